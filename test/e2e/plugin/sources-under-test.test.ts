import {Config} from '@oclif/core'
import {tsPath} from '@oclif/core/config'
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

  // oclif finds a hook's source only under the very name package.json gives in dist/ (a .cjs stays a .cjs).
  it('runs its prerun hook from src/, not from dist/', async () => {
    const config = await Config.load(path.resolve('.'))
    const [plugin] = config.getPluginsList()
    const [hook] = plugin.hooks.prerun
    expect(await tsPath(plugin.root, hook.target, plugin)).to.equal(path.resolve('src/hooks/prerun/preflight.cjs'))
  })
})
