import { copyFile, constants, link, lstat, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TeamsharkError } from '../util/errors.js';

/** An existing file (or a link, even a dangling one) at a path the command would write. */
export async function refuseExisting(path: string): Promise<void> {
  const exists = await lstat(path).then(
    () => true,
    () => false,
  );
  if (exists) throw alreadyExists(path);
}

function alreadyExists(path: string): TeamsharkError {
  return new TeamsharkError('file-exists', `${path} already exists: add --force to replace it`);
}

/**
 * Writes next to the target, then moves the whole file into place: a failed or interrupted write (a full
 * disk) never leaves half a report, nor harms the file already there. Without `overwrite`, the move is a
 * hard link, which fails rather than replace a file that appeared meanwhile.
 */
export async function writeAtomically(
  path: string,
  text: string | Buffer | ((temporary: string) => Promise<void>),
  overwrite: boolean,
): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    // A function writes the file itself (editcap writing the annotated capture).
    if (typeof text === 'function') await text(temporary);
    else await writeFile(temporary, text);
    if (overwrite) await rename(temporary, path);
    else await linkWithoutReplacing(temporary, path);
  } catch (error) {
    if (error instanceof TeamsharkError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(path);
    throw new TeamsharkError(
      'write-failed',
      `cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  } finally {
    await rm(temporary, { force: true });
  }
}

async function linkWithoutReplacing(from: string, to: string): Promise<void> {
  try {
    await link(from, to);
  } catch (error) {
    // Some filesystems (FAT, some network shares) have no hard links: an exclusive copy also never replaces.
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((error as NodeJS.ErrnoException).code ?? ''))
      throw error;
    await copyFile(from, to, constants.COPYFILE_EXCL);
  }
}

/**
 * Resolves once stdout has taken the text; a closed pipe (| head) is not an error. A failed write (a full
 * disk behind a redirection) is also emitted as an 'error' event, which would crash the process unheard.
 */
export function writeStdout(text: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error | null) => {
      if (!error || (error as NodeJS.ErrnoException).code === 'EPIPE') resolve();
      else
        reject(
          new TeamsharkError(
            'write-failed',
            `cannot write the report to standard output: ${(error as NodeJS.ErrnoException).code ?? error.message}`,
          ),
        );
    };
    process.stdout.on('error', settle);
    process.stdout.write(text, settle);
  });
}

export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() === true;
}
