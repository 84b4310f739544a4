import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {readConfigFile, withSetting} from '../../../src/instance/config-file.js'
import {SettingKey} from '../../../src/instance/setting-keys.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {makeTempFolder, readFixture} from './support/temp-folder.js'

/** What differs between two texts: the span removed from `before` and the span put in its place. */
function changedSpan(before: string, after: string): {at: number; removed: string; added: string} {
  let prefix = 0
  while (prefix < before.length && before[prefix] === after[prefix]) prefix++
  let suffix = 0
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  ) {
    suffix++
  }

  return {
    at: prefix,
    removed: before.slice(prefix, before.length - suffix),
    added: after.slice(prefix, after.length - suffix),
  }
}

/** Parses text the way the plugin reads files, to check what a reader sees after an edit. */
async function settingsOf(text: string): Promise<Record<string, string>> {
  const {path: folder, cleanup} = await makeTempFolder()
  try {
    const file = path.join(folder, 'octopus.config')
    await fs.writeFile(file, text)
    return Object.fromEntries((await readConfigFile(file)).settings)
  } finally {
    await cleanup()
  }
}

const FIXTURES = ['windows-bom-crlf.config', 'linux-lf.config']

describe('withSetting', () => {
  for (const fixture of FIXTURES) {
    it(`leaves ${fixture} byte-identical when every key is set to the value it has`, async () => {
      const raw = await readFixture(fixture)
      const text = raw.toString('utf8')
      let rewritten = text
      for (const [key, value] of Object.entries(await settingsOf(text))) rewritten = withSetting(rewritten, key, value)
      expect(Buffer.from(rewritten, 'utf8').equals(raw)).to.equal(true)
    })
  }

  it('changes exactly the value text of the key, in a BOM + CRLF file, and nothing else', async () => {
    const before = (await readFixture('windows-bom-crlf.config')).toString('utf8')
    const after = withSetting(before, SettingKey.MasterKey, 'bmV3LXNlYWxlZC1rZXk=')

    const change = changedSpan(before, after)
    expect(change.removed).to.equal('c2VhbGVkLWJ5LWRwYXBpLW9uLWEtZGVhZC1tYWNoaW5l')
    expect(change.added).to.equal('bmV3LXNlYWxlZC1rZXk=')
    expect(before.slice(0, change.at).endsWith(`<set key="${SettingKey.MasterKey}">`)).to.equal(true)
    expect(after.startsWith('\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<!-- Written by')).to.equal(true)
    expect(await settingsOf(after)).to.deep.equal({
      ...(await settingsOf(before)),
      [SettingKey.MasterKey]: 'bmV3LXNlYWxlZC1rZXk=',
    })
  })

  it('replaces a value written with entities or CDATA by its escaped new value', async () => {
    const before = (await readFixture('linux-lf.config')).toString('utf8')
    const value = 'postgres://u:a&b<c>"d\'@h/db'
    const after = withSetting(before, SettingKey.ConnectionString, value)

    const change = changedSpan(before, after)
    expect(change.removed).to.equal('<![CDATA[postgres://octopus:p<a>ss&word@db.internal:5432/octopus]]>')
    expect(change.added).to.equal('postgres://u:a&amp;b&lt;c&gt;"d\'@h/db')
    expect((await settingsOf(after))[SettingKey.ConnectionString]).to.equal(value)
  })

  it('gives a self-closing <set /> its value', async () => {
    const before = (await readFixture('linux-lf.config')).toString('utf8')
    const after = withSetting(before, SettingKey.NodeName, 'node-a')

    expect(after).to.equal(
      before.replace(`<set key="${SettingKey.NodeName}" />`, `<set key="${SettingKey.NodeName}">node-a</set>`),
    )
  })

  it('keeps a carriage return in a value by writing it as a character reference', async () => {
    const after = withSetting('<octopus-settings>\n  <set key="a">x</set>\n</octopus-settings>\n', 'a', 'one\r\ntwo')
    expect(after).to.equal('<octopus-settings>\n  <set key="a">one&#13;\ntwo</set>\n</octopus-settings>\n')
    expect((await settingsOf(after)).a).to.equal('one\r\ntwo')
  })

  it('refuses a value XML cannot hold', () => {
    expect(() => withSetting('<octopus-settings/>', 'a', 'nul\u0000')).to.throw(RangeError)
  })

  it('inserts a missing key at its sorted place, with the CRLF and indentation the file uses', async () => {
    const before = (await readFixture('windows-bom-crlf.config')).toString('utf8')
    const after = withSetting(before, 'Octopus.Server.ClusterName', 'Main & only')

    expect(after).to.equal(
      before.replace(
        '  <set key="Octopus.Server.NodeName">',
        '  <set key="Octopus.Server.ClusterName">Main &amp; only</set>\r\n  <set key="Octopus.Server.NodeName">',
      ),
    )
    expect((await settingsOf(after))['Octopus.Server.ClusterName']).to.equal('Main & only')
  })

  it('inserts a key that sorts last after the last <set>', () => {
    const before =
      '<octopus-settings>\n\t<set key="A">1</set>\n\t<set key="b">2</set>\n\t<!-- end -->\n</octopus-settings>\n'
    expect(withSetting(before, 'C', '3')).to.equal(
      '<octopus-settings>\n\t<set key="A">1</set>\n\t<set key="b">2</set>\n\t<set key="C">3</set>\n\t<!-- end ' +
        '-->\n</octopus-settings>\n',
    )
  })

  it('sorts case-insensitively when placing a key', () => {
    const before = '<octopus-settings>\n  <set key="alpha">1</set>\n  <set key="Gamma">3</set>\n</octopus-settings>'
    expect(withSetting(before, 'Beta', '2')).to.equal(
      '<octopus-settings>\n  <set key="alpha">1</set>\n  <set key="Beta">2</set>\n  <set ' +
        'key="Gamma">3</set>\n</octopus-settings>',
    )
  })

  it('escapes a new key for its attribute', async () => {
    const after = withSetting('<octopus-settings>\n</octopus-settings>', 'odd "key" & <tag>', 'v')
    expect(after).to.equal(
      '<octopus-settings>\n  <set key="odd &quot;key&quot; &amp; &lt;tag&gt;">v</set>\n</octopus-settings>',
    )
    expect(await settingsOf(after)).to.deep.equal({'odd "key" & <tag>': 'v'})
  })

  const emptyRoots: Array<[string, string, string]> = [
    [
      'a self-closing root',
      '<?xml version="1.0"?>\r\n<octopus-settings xmlns:x="urn:x" />\r\n',
      '<?xml version="1.0"?>\r\n<octopus-settings xmlns:x="urn:x">\r\n  <set ' +
        'key="k">v</set>\r\n</octopus-settings>\r\n',
    ],
    [
      'an empty root',
      '<octopus-settings></octopus-settings>',
      '<octopus-settings>\n  <set key="k">v</set>\n</octopus-settings>',
    ],
    [
      'a root holding only a line break',
      '<octopus-settings>\n</octopus-settings>\n',
      '<octopus-settings>\n  <set key="k">v</set>\n</octopus-settings>\n',
    ],
    [
      'an indented root',
      '<!-- c -->\n  <octopus-settings>\n  </octopus-settings>',
      '<!-- c -->\n  <octopus-settings>\n    <set key="k">v</set>\n  </octopus-settings>',
    ],
  ]
  for (const [shape, before, expected] of emptyRoots) {
    it(`inserts the first key into ${shape}`, () => {
      expect(withSetting(before, 'k', 'v')).to.equal(expected)
    })
  }

  it('inserts into a one-line file without adding line breaks', () => {
    expect(withSetting('<octopus-settings><set key="b">2</set></octopus-settings>', 'a', '1')).to.equal(
      '<octopus-settings><set key="a">1</set><set key="b">2</set></octopus-settings>',
    )
    expect(withSetting('<octopus-settings><set key="b">2</set></octopus-settings>', 'c', '3')).to.equal(
      '<octopus-settings><set key="b">2</set><set key="c">3</set></octopus-settings>',
    )
  })

  it('refuses text that is not a config file', () => {
    expect(() => withSetting('<configuration/>', 'a', 'b'))
      .to.throw(RecoveryError, 'The config text is not a valid config file: the root element is <configuration>')
      .with.property('exitCode', ExitCode.NotFound)
  })
})
