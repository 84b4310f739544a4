// Registered with `node --import`: writes every module URL the process loads to $RECORD_IMPORTS_FILE.
import {register} from 'node:module'

register(new URL('./record-imports-hooks.mjs', import.meta.url), {data: {file: process.env.RECORD_IMPORTS_FILE}})
