import {expect} from 'chai'

import {instanceFileName, instancesDirectory} from '../../../src/instance/instances-directory.js'

describe('instancesDirectory', () => {
  it('is /etc/octopus/OctopusServer/Instances on Linux and macOS', () => {
    expect(instancesDirectory({}, 'linux')).to.equal('/etc/octopus/OctopusServer/Instances')
    expect(instancesDirectory({}, 'darwin')).to.equal('/etc/octopus/OctopusServer/Instances')
  })

  it('is under %ProgramData% on Windows, spelled with backslashes', () => {
    expect(instancesDirectory({ProgramData: 'D:\\Data'}, 'win32')).to.equal(
      'D:\\Data\\Octopus\\OctopusServer\\Instances',
    )
  })

  it('falls back to C:\\ProgramData on Windows when ProgramData is unset', () => {
    expect(instancesDirectory({}, 'win32')).to.equal('C:\\ProgramData\\Octopus\\OctopusServer\\Instances')
  })

  it('is overridden by OCTOPUS_SERVER_INSTANCES_DIR on every platform', () => {
    const env = {OCTOPUS_SERVER_INSTANCES_DIR: '/tmp/instances', ProgramData: 'D:\\Data'}
    expect(instancesDirectory(env, 'linux')).to.equal('/tmp/instances')
    expect(instancesDirectory(env, 'win32')).to.equal('/tmp/instances')
  })
})

describe('instanceFileName', () => {
  it('lower-cases the name, turns spaces into dashes and adds .config', () => {
    expect(instanceFileName('OctopusServer')).to.equal('octopusserver.config')
    expect(instanceFileName('My Second Server')).to.equal('my-second-server.config')
  })
})
