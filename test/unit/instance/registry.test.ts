import {expect} from 'chai'
import fs from 'node:fs/promises'
import path from 'node:path'

import {ExitCode} from '../../../src/exit-codes.js'
import {listInstances, resolveInstance} from '../../../src/instance/registry.js'
import {RecoveryError} from '../../../src/recovery-error.js'
import {makeTempFolder, registerInstance, rejectionOf} from './support/temp-folder.js'

describe('instance registry', () => {
  let root: string
  let dir: string
  let cleanup: () => Promise<void>

  beforeEach(async () => {
    const folder = await makeTempFolder()
    root = folder.path
    cleanup = folder.cleanup
    dir = path.join(root, 'Instances')
  })

  afterEach(() => cleanup())

  /** Registers an instance whose config file exists, returning the config path. */
  async function register(name: string, fileName = `${name.toLowerCase()}.config`): Promise<string> {
    const configPath = path.join(root, `${fileName}.xml`)
    await fs.writeFile(configPath, '<octopus-settings/>')
    await registerInstance(dir, fileName, name, configPath)
    return configPath
  }

  /** The RecoveryError a resolution fails with; checks what every such error must have. */
  async function resolutionError(flags: {instance?: string; config?: string}): Promise<RecoveryError> {
    const error = await rejectionOf(resolveInstance(flags, dir))
    expect(error).to.be.instanceOf(RecoveryError)
    const recoveryError = error as RecoveryError
    expect(recoveryError.exitCode).to.equal(ExitCode.NotFound)
    expect(recoveryError.suggestions).to.have.length.greaterThan(0)
    return recoveryError
  }

  describe('listInstances', () => {
    it('finds no instances when the folder does not exist', async () => {
      expect(await listInstances(dir)).to.deep.equal([])
    })

    it('reads every .config registry file, sorted by name, and ignores other files', async () => {
      const beta = await register('beta')
      const alpha = await register('Alpha Server', 'alpha-server.config')
      await fs.writeFile(path.join(dir, 'README.txt'), 'not a registry file')

      expect(await listInstances(dir)).to.deep.equal([
        {name: 'Alpha Server', configurationFilePath: alpha, registryFile: path.join(dir, 'alpha-server.config')},
        {name: 'beta', configurationFilePath: beta, registryFile: path.join(dir, 'beta.config')},
      ])
    })

    it('accepts a registry file that starts with a byte order mark', async () => {
      await fs.mkdir(dir)
      await fs.writeFile(path.join(dir, 'a.config'), '\uFEFF{"Name": "A", "ConfigurationFilePath": "/a.config"}')
      expect((await listInstances(dir)).map((instance) => instance.name)).to.deep.equal(['A'])
    })

    const broken: Array<[string, string, RegExp]> = [
      ['malformed JSON', '{"Name": "A", ', /is not valid JSON/],
      ['a JSON array', '["A"]', /does not hold a JSON object/],
      ['no Name', '{"ConfigurationFilePath": "/a.config"}', /has no "Name"/],
      ['an empty Name', '{"Name": " ", "ConfigurationFilePath": "/a.config"}', /has no "Name"/],
      ['no ConfigurationFilePath', '{"Name": "A"}', /has no "ConfigurationFilePath"/],
      [
        'a ConfigurationFilePath that is not a string',
        '{"Name": "A", "ConfigurationFilePath": 7}',
        /has no "ConfigurationFilePath"/,
      ],
    ]
    for (const [problem, content, message] of broken) {
      it(`refuses a registry file with ${problem}, naming the file and the problem`, async () => {
        await register('good')
        const file = path.join(dir, 'broken.config')
        await fs.writeFile(file, content)

        const error = (await rejectionOf(listInstances(dir))) as RecoveryError
        expect(error).to.be.instanceOf(RecoveryError)
        expect(error.exitCode).to.equal(ExitCode.NotFound)
        expect(error.message).to.contain(file).and.match(message)
        expect(error.suggestions.join(' ')).to.contain(file)
      })
    }

    it('refuses a registry "folder" that is a file', async () => {
      await fs.writeFile(dir, 'a file where the folder should be')
      const error = (await rejectionOf(listInstances(dir))) as RecoveryError
      expect(error.exitCode).to.equal(ExitCode.NotFound)
      expect(error.message).to.equal(`The instance registry ${dir} is not a folder.`)
    })
  })

  describe('resolveInstance', () => {
    it('takes --config over everything and skips the registry', async () => {
      await fs.mkdir(dir)
      await fs.writeFile(path.join(dir, 'broken.config'), 'not JSON')
      const configPath = path.join(root, 'direct.config')
      await fs.writeFile(configPath, '<octopus-settings/>')

      expect(await resolveInstance({config: configPath, instance: 'Whatever'}, dir)).to.deep.equal({
        name: undefined,
        configPath,
        source: 'config-flag',
      })
    })

    it('makes a relative --config path absolute', async () => {
      const configPath = path.join(root, 'direct.config')
      await fs.writeFile(configPath, '<octopus-settings/>')
      const relative = path.relative(process.cwd(), configPath)

      expect((await resolveInstance({config: relative}, dir)).configPath).to.equal(configPath)
    })

    it('refuses a --config file that does not exist', async () => {
      const missing = path.join(root, 'missing.config')
      const error = await resolutionError({config: missing})
      expect(error.message).to.equal(`The config file ${missing} does not exist.`)
    })

    it('refuses a --config path that is a folder', async () => {
      const error = await resolutionError({config: root})
      expect(error.message).to.equal(`The config file ${root} is not a file.`)
    })

    it('finds --instance case-insensitively', async () => {
      const configPath = await register('Production')
      expect(await resolveInstance({instance: 'PRODUCTION'}, dir)).to.deep.equal({
        name: 'Production',
        configPath,
        source: 'instance-flag',
      })
    })

    it('prefers the exact-case match when several names differ only by case', async () => {
      await register('Production', 'production.config')
      const exact = await register('PRODUCTION', 'production-upper.config')

      const resolved = await resolveInstance({instance: 'PRODUCTION'}, dir)
      expect(resolved).to.deep.equal({name: 'PRODUCTION', configPath: exact, source: 'instance-flag'})
    })

    it('refuses a name matching several case variants when none matches exactly, listing them', async () => {
      await register('Production', 'production.config')
      await register('PRODUCTION', 'production-upper.config')

      const error = await resolutionError({instance: 'production'})
      expect(error.message).to.equal(
        `Several instances registered in ${dir} match "production": "PRODUCTION" (production-upper.config), ` +
          `"Production" (production.config).`,
      )
    })

    it('refuses an unknown instance, listing the registered names and the folder searched', async () => {
      await register('Alpha')
      await register('Beta')

      const error = await resolutionError({instance: 'Gamma'})
      expect(error.message).to.equal(
        `No instance named "Gamma" is registered in ${dir}. Registered instances: Alpha, Beta.`,
      )
      expect(error.suggestions.join(' ')).to.contain('--instance').and.contain('--config')
    })

    it('says none is registered when --instance names one and the registry is empty', async () => {
      const error = await resolutionError({instance: 'Gamma'})
      expect(error.message).to.equal(
        `No instance named "Gamma" is registered in ${dir}. No instance is registered there.`,
      )
    })

    it('chooses OctopusServer when no flag names an instance', async () => {
      await register('Alpha')
      const configPath = await register('OctopusServer')
      await register('Zulu')

      expect(await resolveInstance({}, dir)).to.deep.equal({name: 'OctopusServer', configPath, source: 'default'})
    })

    it('matches OctopusServer case-insensitively', async () => {
      await register('Alpha')
      const configPath = await register('octopusserver')

      expect(await resolveInstance({}, dir)).to.deep.equal({name: 'octopusserver', configPath, source: 'default'})
    })

    it('chooses the only registered instance', async () => {
      const configPath = await register('Lonely')
      expect(await resolveInstance({}, dir)).to.deep.equal({name: 'Lonely', configPath, source: 'only'})
    })

    it('refuses to guess between several instances, listing them and telling to pass --instance', async () => {
      await register('Beta')
      await register('Alpha')

      const error = await resolutionError({})
      expect(error.message).to.equal(
        `2 instances are registered in ${dir} and none is named OctopusServer: Alpha, Beta.`,
      )
      expect(error.suggestions.join(' ')).to.contain('--instance').and.contain('--config')
    })

    it('says where it looked when no instance is registered', async () => {
      const error = await resolutionError({})
      expect(error.message).to.equal(`No Octopus Server instance is registered in ${dir}.`)
      expect(error.suggestions.join(' ')).to.contain('--config').and.contain('OCTOPUS_SERVER_INSTANCES_DIR')
    })

    it('refuses a registered instance whose config file is gone, naming the registry file', async () => {
      const configPath = await register('Alpha')
      await fs.rm(configPath)

      const error = await resolutionError({instance: 'alpha'})
      expect(error.message).to.equal(
        `The config file ${configPath} (of the instance "Alpha", registered in ${path.join(dir, 'alpha.config')}) ` +
          `does not exist.`,
      )
    })
  })
})
