import type {DbContext} from '../../database/context.js'
import {readConfigurationDocument} from '../../database/operations/configuration-documents.js'
import {SERVER_CERTIFICATE_DOCUMENT} from '../catalog/catalog.js'
import {judgeKey, type KeyVerdict} from './test-the-key.js'

/**
 * One key judged on this database as the key test judges it (docs/recovery.md, "The proof of a key"): the server
 * certificate, else a sample of the catalog's values. Reads only; `whence` names the key in the verdict's words.
 */
export async function proveKeyOnDatabase(ctx: DbContext, key: Buffer, whence: string): Promise<KeyVerdict> {
  const certificateDocument = await readConfigurationDocument(ctx, SERVER_CERTIFICATE_DOCUMENT.id)
  return judgeKey(ctx, key, whence, certificateDocument)
}
