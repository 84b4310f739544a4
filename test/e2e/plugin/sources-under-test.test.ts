import {Config} from '@oclif/core'
import {expect} from 'chai'
import path from 'node:path'

describe('the plugin under test', () => {
  // oclif falls back to a stale dist/ without a word when it cannot transpile (tsx 4.23 broke its API):
  // every command test would then test old code.
  it('is loaded from its TypeScript sources, not from dist/', async () => {
    const config = await Config.load(path.resolve('.'))
    const [plugin] = config.getPluginsList()
    expect(plugin.commandsDir).to.equal(path.resolve('src/commands'))
  })
})
