import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { TeamsharkError } from '../util/errors.js';

/** How a capture read from standard input is named in messages and in the report. */
export const STDIN_NAME = 'standard input';

/**
 * Runs `use` on a capture read from standard input: tshark needs a file it can seek in, so the bytes are
 * spooled to a private temporary folder, removed afterwards whatever happens. Messages name "standard
 * input", never the temporary path.
 */
export async function withStdinCapture<T>(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  use: (path: string) => Promise<T>,
): Promise<T> {
  if (input.isTTY)
    throw new TeamsharkError(
      'stdin-is-terminal',
      `${STDIN_NAME} is a terminal: pipe a capture into it, e.g. teamshark sample | teamshark analyze -`,
    );
  const folder = await mkdtemp(join(tmpdir(), 'teamshark-stdin-'));
  const path = join(folder, 'capture');
  try {
    await pipeline(input, createWriteStream(path, { mode: 0o600 }));
    if ((await stat(path)).size === 0)
      throw new TeamsharkError(
        'empty-capture',
        `${STDIN_NAME} is empty: pipe a capture into it, e.g. teamshark sample | teamshark analyze -`,
      );
    return await use(path);
  } catch (error) {
    if (error instanceof TeamsharkError && error.message.includes(path))
      throw new TeamsharkError(error.code, error.message.replaceAll(path, STDIN_NAME), { cause: error });
    throw error;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
