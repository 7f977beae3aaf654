import { execa } from 'execa';
import { TeamsharkError } from '../util/errors.js';
import { identifyBinary, TsharkFactsCache, type BinaryId } from './facts-cache.js';

export interface TsharkInfo {
  /** The command or path that was run. */
  readonly path: string;
  /** e.g. "4.0.17" */
  readonly version: string;
  /** The binary's file, which keys the facts cached about it; undefined when it could not be identified. */
  readonly binary?: BinaryId;
}

export const MINIMUM_TSHARK_VERSION = '3.6.0';

export const TSHARK_INSTALL_HINT =
  'install it with "sudo apt-get install -y tshark" (Debian/Ubuntu) or set TEAMSHARK_TSHARK to its path';

/** Where tshark comes from: an explicit option wins, then TEAMSHARK_TSHARK, then PATH. */
export function tsharkCommand(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicitPath || env.TEAMSHARK_TSHARK || 'tshark';
}

/** Finds tshark, reads its version (cached per binary) and refuses one too old for the fields we read. */
export async function locateTshark(explicitPath?: string, cache = new TsharkFactsCache()): Promise<TsharkInfo> {
  const path = tsharkCommand(explicitPath);
  const binary = await identifyBinary(path);
  const version = (await cache.read<string>(binary, 'version')) ?? (await readVersion(path, binary, cache));
  if (compareVersions(version, MINIMUM_TSHARK_VERSION) < 0) {
    throw new TeamsharkError(
      'tshark-too-old',
      `tshark ${version} is too old: Teamshark needs ${MINIMUM_TSHARK_VERSION} or newer (${path}); ${TSHARK_INSTALL_HINT}`,
    );
  }
  return { path, version, binary };
}

async function readVersion(path: string, binary: BinaryId | undefined, cache: TsharkFactsCache): Promise<string> {
  const result = await execa(path, ['--version'], { reject: false, timeout: 30_000, stdin: 'ignore' });
  if (result.failed && (result.code === 'ENOENT' || result.code === 'EACCES')) {
    throw new TeamsharkError('tshark-missing', `tshark not found (${path}): ${TSHARK_INSTALL_HINT}`);
  }
  const version = parseTsharkVersion(String(result.stdout));
  if (result.failed || !version) {
    throw new TeamsharkError(
      'not-tshark',
      `"${path} --version" did not print a TShark version: is it really tshark? ${TSHARK_INSTALL_HINT}`,
    );
  }
  await cache.write(binary, 'version', version);
  return version;
}

/** "TShark (Wireshark) 4.0.17 (Git v4.0.17 packaged as 4.0.17-0+deb12u3)." → "4.0.17" */
export function parseTsharkVersion(versionOutput: string): string | undefined {
  return /^TShark \(Wireshark\) (\d+\.\d+\.\d+)/m.exec(versionOutput)?.[1];
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}
