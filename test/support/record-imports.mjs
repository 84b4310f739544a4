// Registered with `node --import`: writes every module URL the process loads to $RECORD_IMPORTS_FILE, whether
// imported (a module hook) or required (Node 20 has no hook for require(): its resolver is wrapped instead).
import {appendFileSync} from 'node:fs'
import Module, {register} from 'node:module'
import {pathToFileURL} from 'node:url'

const file = process.env.RECORD_IMPORTS_FILE
register(new URL('./record-imports-hooks.mjs', import.meta.url), {data: {file}})

const resolveFilename = Module._resolveFilename
Module._resolveFilename = function (...args) {
  const resolved = resolveFilename.apply(this, args)
  if (file && !Module.isBuiltin(resolved)) appendFileSync(file, pathToFileURL(resolved).href + '\n')
  return resolved
}
