import { randomUUID } from 'node:crypto';
import { mkdir, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * A cache's entry written whole: into a temporary file beside it, then renamed, so a concurrent reader sees all
 * of it or none. Best effort: a read-only or full disk costs the entry, never the caller's work; false then.
 */
export async function writeCacheEntry(file: string, text: string): Promise<boolean> {
  const temporary = `${file}.${randomUUID()}.tmp`;
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(temporary, text);
    await rename(temporary, file);
    return true;
  } catch {
    await rm(temporary, { force: true }).catch(() => undefined);
    return false;
  }
}

/**
 * What tells one version of a regular file from another: its real path, inode, size, modification time and
 * change time (which nothing sets back: `touch -d` and `cp -p` can set the modification time, so a file
 * rewritten to the same size with its old modification time is still told apart). Undefined for anything else
 * or a missing file.
 */
export async function fileIdentity(path: string): Promise<string | undefined> {
  try {
    const real = await realpath(path);
    const info = await stat(real);
    return info.isFile() ? `${real}\0${info.ino}\0${info.size}\0${info.mtimeMs}\0${info.ctimeMs}` : undefined;
  } catch {
    return undefined;
  }
}
