import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {readConfigFile} from '../../../src/instance/config-file.js'
import {nodeFileOps} from '../../../src/files/file-ops.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {makeTempFolder, readFixture, rejectionOf} from './support/temp-folder.js'

describe('readConfigFile', () => {
  let folder: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    ;({path: folder, cleanup} = await makeTempFolder())
  })

  afterEach(() => cleanup())

  async function writeConfig(content: string | Buffer, name = 'octopus.config'): Promise<string> {
    const file = path.join(folder, name)
    await fs.writeFile(file, content)
    return file
  }

  async function readError(content: string | Buffer): Promise<RecoveryError> {
    const file = await writeConfig(content)
    const error = await rejectionOf(readConfigFile(file))
    expect(error).to.be.instanceOf(RecoveryError)
    expect((error as RecoveryError).exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.contain(file)
    return error as RecoveryError
  }

  it('reads a Windows-written file: BOM, CRLF, declaration, namespaces, comments, entities', async () => {
    const raw = await readFixture('windows-bom-crlf.config')
    const file = await writeConfig(raw)

    const config = await readConfigFile(file)
    expect(config.path).to.equal(file)
    expect(config.raw.equals(raw)).to.equal(true)
    expect(config.text.startsWith('\uFEFF<?xml')).to.equal(true)
    expect(Buffer.from(config.text, 'utf8').equals(raw)).to.equal(true)
    expect(Object.fromEntries(config.settings)).to.deep.equal({
      'Octopus.Communications.ServicesPort': '10943',
      'Octopus.Home': 'C:\\Octopus',
      'Octopus.Server.NodeName': 'WEB-01 & <primary>',
      'Octopus.Storage.ExternalDatabaseConnectionString':
        `Server=(local)\\SQLEXPRESS;Database=Octopus;Trusted_Connection=True;Application ` + `Name="Octopus 'Deploy'"`,
      'Octopus.Storage.MasterKey': 'c2VhbGVkLWJ5LWRwYXBpLW9uLWEtZGVhZC1tYWNoaW5l',
      'Octopus.WebPortal.ListenPrefixes': 'http://localhost:80/,https://octo.example.com:443/',
      'Octopus.WebPortal.Note': 'café \u{1F600} tab\tend',
    })
  })

  it(
    'reads single-quoted attributes, self-closing and empty sets, CDATA, escaped keys and unknown ' + 'elements',
    async () => {
      const config = await readConfigFile(await writeConfig(await readFixture('linux-lf.config')))
      expect(Object.fromEntries(config.settings)).to.deep.equal({
        'Octopus.Home': '/var/lib/octopus',
        'Octopus.Server.NodeName': '',
        'Octopus.Storage.ExternalDatabaseConnectionString': 'postgres://octopus:p<a>ss&word@db.internal:5432/octopus',
        'Octopus.Storage.MasterKey': '',
        'Zeta."Quoted" & odd': 'multi\nline\n  value',
      })
    },
  )

  it('reports line breaks inside a value as LF, as an XML reader does, whatever the file uses', async () => {
    const config = await readConfigFile(
      await writeConfig('<octopus-settings>\r\n<set key="a">one\r\ntwo\rthree&#13;</set>\r\n</octopus-settings>'),
    )
    expect(config.settings.get('a')).to.equal('one\ntwo\nthree\r')
  })

  it('turns tabs and line breaks in a key into spaces, as XML attribute normalization does', async () => {
    const config = await readConfigFile(
      await writeConfig('<octopus-settings><set key="a\tb\r\nc&#10;d">v</set></octopus-settings>'),
    )
    expect([...config.settings.keys()]).to.deep.equal(['a b c\nd'])
  })

  it('refuses a file that does not exist', async () => {
    const missing = path.join(folder, 'missing.config')
    const error = (await rejectionOf(readConfigFile(missing))) as RecoveryError
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.equal(`The config file ${missing} does not exist.`)
  })

  it('refuses a folder', async () => {
    const error = (await rejectionOf(readConfigFile(folder))) as RecoveryError
    expect(error.message).to.equal(`The config file ${folder} is a folder, not a file.`)
  })

  it('refuses a file it may not read, saying so', async () => {
    const file = await writeConfig('<octopus-settings/>')
    const denied = {
      ...nodeFileOps,
      readFile: async (target: string) => {
        throw Object.assign(new Error(`EACCES: permission denied, open '${target}'`), {code: 'EACCES'})
      },
    }
    const error = (await rejectionOf(readConfigFile(file, denied))) as RecoveryError
    expect(error.exitCode).to.equal(ExitCode.NotFound)
    expect(error.message).to.equal(`The config file ${file} cannot be read: permission denied.`)
    expect(error.suggestions.join(' ')).to.contain('sudo')
  })

  const malformed: Array<[string, string | Buffer, string]> = [
    ['an empty file', '', 'expected the root element <octopus-settings>, found the end of the file (line 1)'],
    ['a JSON file', '{"Name": "OctopusServer"}', 'expected the root element <octopus-settings>, found text (line 1)'],
    [
      'another root element',
      '<?xml version="1.0"?>\n<configuration>\n</configuration>',
      'the root element is <configuration>, expected <octopus-settings> (line 2)',
    ],
    ['an unclosed root', '<octopus-settings>\n  <set key="a">1</set>\n', '<octopus-settings> is not closed (line 1)'],
    [
      'a mismatched end tag',
      '<octopus-settings>\n  <set key="a">1</sett>\n</octopus-settings>',
      'expected </set>, found </sett> (line 2)',
    ],
    [
      'a set without a key',
      '<octopus-settings>\n\n  <set name="a">1</set>\n</octopus-settings>',
      'a <set> element has no key attribute (line 3)',
    ],
    [
      'a set holding an element',
      '<octopus-settings>\n  <set key="a"><b/></set>\n</octopus-settings>',
      'the <set key="a"> element holds an element <b> (line 2)',
    ],
    [
      'a key set twice',
      '<octopus-settings>\n  <set key="a">1</set>\n  <set key="a">2</set>\n</octopus-settings>',
      'the key "a" is set twice (first at line 2) (line 3)',
    ],
    [
      'an unquoted attribute',
      '<octopus-settings>\n  <set key=a>1</set>\n</octopus-settings>',
      'the value of the attribute key in <set> is not quoted (line 2)',
    ],
    [
      'a duplicated attribute',
      '<octopus-settings>\n  <set key="a" key="b">1</set>\n</octopus-settings>',
      'the attribute key appears twice in <set> (line 2)',
    ],
    [
      'a bare ampersand',
      '<octopus-settings>\n  <set key="a">x & y</set>\n</octopus-settings>',
      'an "&" that does not start an entity reference (write "&amp;") (line 2)',
    ],
    [
      'a DOCTYPE',
      '<!DOCTYPE x [<!ENTITY e "v">]>\n<octopus-settings/>',
      'a DOCTYPE declaration is not allowed in a config file (line 1)',
    ],
    ['text after the root', '<octopus-settings/>\n\njunk', 'unexpected text after </octopus-settings> (line 3)'],
    [
      'a second root',
      '<octopus-settings/>\n<octopus-settings/>',
      'unexpected "<octopus-settings" after </octopus-settings> (line 2)',
    ],
    [
      'an unclosed comment',
      '<octopus-settings>\n<!-- never closed\n</octopus-settings>',
      'a comment is not closed (line 2)',
    ],
    [
      'a control character',
      '<octopus-settings>\n<set key="a">\u0001</set></octopus-settings>',
      'a character XML does not allow (U+0001) (line 2)',
    ],
    [
      'a character reference to a control character',
      '<octopus-settings><set key="a">&#1;</set></octopus-settings>',
      'a character reference to a character XML does not allow (line 1)',
    ],
  ]
  for (const [problem, content, reason] of malformed) {
    it(`refuses ${problem}, with the reason and the line`, async () => {
      const error = await readError(content)
      expect(error.message).to.match(/^The config file .* is not a valid config file: /)
      expect(error.message).to.contain(`: ${reason}.`)
      expect(error.suggestions.join(' ')).to.contain('--config')
    })
  }

  it('never quotes a value in an error, since values may be secrets', async () => {
    const error = await readError(
      '<octopus-settings>\n<set key="Octopus.Storage.MasterKey">hunter2&hunter3;</set>\n</octopus-settings>',
    )
    expect(error.message).to.contain('an unknown entity reference').and.contain('(line 2)')
    expect(error.message).not.to.contain('hunter')
  })

  it('refuses UTF-16 text', async () => {
    const error = await readError(
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('<octopus-settings/>', 'utf16le')]),
    )
    expect(error.message).to.contain('is UTF-16 text; a config file is UTF-8')
  })

  it('refuses bytes that are not UTF-8', async () => {
    const error = await readError(Buffer.from([0x3c, 0x6f, 0xc3, 0x28, 0x3e]))
    expect(error.message).to.contain('is not valid UTF-8 text')
  })
})
