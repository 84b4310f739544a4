import {ExitCode} from '../exit-codes.js'
import {RecoveryError} from '../recovery-error.js'
import {configFileAccessError} from './config-file-access.js'
import {type FileOps, nodeFileOps} from '../files/file-ops.js'
import {compareCaseInsensitive} from './ordering.js'
import {parseSettingsXml, type SettingsLayout} from './settings-xml.js'
import {escapeXmlAttribute, escapeXmlText, lineAt, XmlSyntaxError} from './xml-text.js'

export {restoreConfigFile, writeConfigFileAtomic} from './config-file-write.js'

/** A server's config file as read: the exact bytes, their text, and the settings by key. */
export interface ConfigFile {
  readonly path: string
  readonly raw: Buffer
  /** The bytes as UTF-8 text, byte order mark included, so writing it back reproduces `raw`. */
  readonly text: string
  readonly settings: ReadonlyMap<string, string>
}

const NOT_A_CONFIG_SUGGESTION =
  "Pass --config with the path of the instance's config file (an XML file with an <octopus-settings> root)."

/** Reads and parses a config file; anything that keeps it from being used is a RecoveryError (exit 7). */
export async function readConfigFile(path: string, ops: Pick<FileOps, 'readFile'> = nodeFileOps): Promise<ConfigFile> {
  let raw: Buffer
  try {
    raw = await ops.readFile(path)
  } catch (error) {
    throw configFileAccessError(path, error)
  }

  const text = decodeUtf8(raw, path)
  const layout = parse(text, `The config file ${path}`)
  return {path, raw, text, settings: new Map(layout.sets.map((set) => [set.key, set.value]))}
}

/**
 * The config text with `key` set to `value`, changing nothing else: an existing value's text is replaced
 * (and only it); a missing key gets a new `<set>` at its sorted place, indented and line-ended like its
 * neighbours. Setting the value a key already has returns the text unchanged.
 */
export function withSetting(text: string, key: string, value: string): string {
  const layout = parse(text, 'The config text')
  const existing = layout.sets.find((set) => set.key === key)
  if (!existing) return insertSetting(text, layout, key, value)
  if (existing.value === value) return text
  if (existing.selfClosing) {
    return `${text.slice(0, existing.attributesEnd)}>${escapeXmlText(value)}</set>${text.slice(existing.end)}`
  }

  return text.slice(0, existing.contentStart) + escapeXmlText(value) + text.slice(existing.contentEnd)
}

function insertSetting(text: string, layout: SettingsLayout, key: string, value: string): string {
  const element = `<set key="${escapeXmlAttribute(key)}">${escapeXmlText(value)}</set>`
  const eol = lineEnding(text)
  // The server writes keys sorted; a new key goes before the first that sorts after it.
  const following = layout.sets.find((set) => compareCaseInsensitive(set.key, key) > 0)
  if (following) {
    const indent = indentationAt(text, following.start)
    return insertAt(text, following.start, indent === undefined ? element : element + eol + indent)
  }

  const last = layout.sets.at(-1)
  if (last) {
    const indent = indentationAt(text, last.start)
    return insertAt(text, last.end, indent === undefined ? element : eol + indent + element)
  }

  const {root} = layout
  const rootIndent = indentationAt(text, root.start) ?? ''
  const child = `${eol}${rootIndent}  ${element}`
  if (root.selfClosing) {
    return `${text.slice(0, root.attributesEnd)}>${child}${eol}${rootIndent}</octopus-settings>${text.slice(root.end)}`
  }

  const contentHasLineBreak = /[\r\n]/.test(text.slice(root.contentStart, root.contentEnd))
  return insertAt(text, root.contentStart, contentHasLineBreak ? child : child + eol + rootIndent)
}

/** The whitespace before `offset` on its line, or undefined when something else shares the line. */
function indentationAt(text: string, offset: number): string | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1), text.lastIndexOf('\r', offset - 1)) + 1
  const prefix = text.slice(lineStart, offset)
  return /^[ \t]*$/.test(prefix) ? prefix : undefined
}

/** The line ending the file uses (its first), LF for a one-line file. */
function lineEnding(text: string): string {
  return /\r\n|\n|\r/.exec(text)?.[0] ?? '\n'
}

function insertAt(text: string, offset: number, insertion: string): string {
  return text.slice(0, offset) + insertion + text.slice(offset)
}

function parse(text: string, subject: string): SettingsLayout {
  try {
    return parseSettingsXml(text)
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error
    throw new RecoveryError(
      `${subject} is not a valid config file: ${error.reason} (line ${lineAt(text, error.offset)}).`,
      ExitCode.NotFound,
      [NOT_A_CONFIG_SUGGESTION],
    )
  }
}

function decodeUtf8(raw: Buffer, path: string): string {
  if (raw.length >= 2 && ((raw[0] === 0xff && raw[1] === 0xfe) || (raw[0] === 0xfe && raw[1] === 0xff))) {
    throw new RecoveryError(`The config file ${path} is UTF-16 text; a config file is UTF-8.`, ExitCode.NotFound, [
      'Convert it to UTF-8 (keeping its content), or pass --config with the right file.',
    ])
  }

  try {
    // ignoreBOM keeps a byte order mark in the text, so writing the text back reproduces the bytes.
    return new TextDecoder('utf-8', {fatal: true, ignoreBOM: true}).decode(raw)
  } catch (error) {
    throw new RecoveryError(
      `The config file ${path} is not valid UTF-8 text.`,
      ExitCode.NotFound,
      [NOT_A_CONFIG_SUGGESTION],
      {
        cause: error,
      },
    )
  }
}
