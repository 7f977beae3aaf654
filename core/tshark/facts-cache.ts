import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, readFile } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { cacheFolder } from '../util/cache-folder.js';
import { fileIdentity, writeCacheEntry } from '../util/files.js';

/**
 * Facts about a tshark binary that only change with the binary — its version, its value-name tables — kept on
 * disk so that an analysis does not start two extra tsharks to learn them again (`tshark --version` and
 * `tshark -G values` cost ≈ 0.7 s of CPU per run, as much as reading 15,000 packets). An entry is keyed by the
 * binary's real path, size, inode and modification time: an upgrade replaces the file and so the key.
 * The cache is best effort: a read-only or missing home costs the saving, never the analysis.
 */
export class TsharkFactsCache {
  constructor(private readonly folder: string = cacheFolder('tshark-facts')) {}

  /** The cached fact, or undefined when the binary cannot be identified or nothing is stored under this name. */
  async read<T>(binary: BinaryId | undefined, name: string): Promise<T | undefined> {
    if (!binary) return undefined;
    try {
      const entry = JSON.parse(await readFile(this.file(binary, name), 'utf8')) as { key: string; value: T };
      return entry.key === binary.key ? entry.value : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores the fact, written whole: a concurrent reader sees all of it or none. */
  async write(binary: BinaryId | undefined, name: string, value: unknown): Promise<void> {
    if (binary) await writeCacheEntry(this.file(binary, name), JSON.stringify({ key: binary.key, value }));
  }

  private file(binary: BinaryId, name: string): string {
    return join(
      this.folder,
      `${createHash('sha256').update(`${binary.key}\0${name}`).digest('hex').slice(0, 32)}.json`,
    );
  }
}

/** What identifies one build of a binary on this machine. */
export interface BinaryId {
  readonly key: string;
}

/** The binary a command runs (searched on PATH like the shell does), identified by its file; undefined when it is not found. */
export async function identifyBinary(
  command: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BinaryId | undefined> {
  const candidates =
    command.includes('/') || isAbsolute(command)
      ? [command]
      : (env.PATH ?? '').split(delimiter).map((dir) => join(dir || '.', command));
  for (const candidate of candidates) {
    const key = await access(candidate, constants.X_OK).then(
      () => fileIdentity(candidate),
      () => undefined,
    );
    if (key) return { key };
  }
  return undefined;
}
