import {execFileSync} from 'node:child_process'
import {mkdir, open} from 'node:fs/promises'

/**
 * A folder in which no file can be created, renamed or removed, even by root (which ignores modes): the
 * ext4 immutable attribute. Returns the undo.
 */
export function makeImmutable(folder: string): () => void {
  execFileSync('chattr', ['+i', folder])
  return () => execFileSync('chattr', ['-i', folder])
}

/**
 * A real full disk: a tiny tmpfs mounted at `folder` (root may mount here), after `prepare` has put its files
 * in, filled to the last byte. Returns the undo (unmount).
 */
export async function fullDisk(folder: string, prepare: () => Promise<void>): Promise<() => void> {
  await mkdir(folder, {recursive: true})
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0755', 'tmpfs', folder])
  try {
    await prepare()
    const filler = await open(`${folder}/filler`, 'w')
    try {
      const block = Buffer.alloc(4096, 0x2e)
      for (;;) await filler.write(block)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error
    } finally {
      await filler.close()
    }
  } catch (error) {
    execFileSync('umount', [folder])
    throw error
  }
  return () => execFileSync('umount', [folder])
}
