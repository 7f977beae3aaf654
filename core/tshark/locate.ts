import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
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

/**
 * How to get Wireshark's tools on each system Teamshark runs on (editcap comes in the same package). Short:
 * with where tshark was looked for, or the path of one too old, it must fit a TeamsharkError's one line
 * (oneLine's 300 characters); where the installers put tshark, the search itself looks.
 */
export const WIRESHARK_INSTALL =
  'Windows, macOS: https://www.wireshark.org/download.html; Debian/Ubuntu: "sudo apt-get install -y tshark"';

export const TSHARK_INSTALL_HINT = `install it (${WIRESHARK_INSTALL}) or set TEAMSHARK_TSHARK (VS Code: teamshark.tsharkPath)`;

/** What tshark's search looks at on this machine: its system, its environment and whether a file runs. */
export interface TsharkSearchHost {
  readonly platform: NodeJS.Platform;
  readonly env: NodeJS.ProcessEnv;
  readonly isExecutable: (path: string) => boolean;
}

export const THIS_HOST: TsharkSearchHost = { platform: process.platform, env: process.env, isExecutable };

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * Where Wireshark's installers put tshark, for when it is not on PATH: the Windows installer does not add its
 * folder to PATH, and a VS Code started from macOS's Dock may not see a shell's PATH. Program Files may be moved
 * (%ProgramFiles%).
 */
export function defaultTsharkPaths(host: Pick<TsharkSearchHost, 'platform' | 'env'>): string[] {
  if (host.platform === 'win32')
    return [win32.join(host.env.ProgramFiles || 'C:\\Program Files', 'Wireshark', 'tshark.exe')];
  if (host.platform === 'darwin') return ['/Applications/Wireshark.app/Contents/MacOS/tshark'];
  return [];
}

/** tshark's file in a PATH folder, with Windows's PATHEXT extensions; undefined when no folder has it. */
function onPath(host: TsharkSearchHost): string | undefined {
  const path = host.platform === 'win32' ? win32 : posix;
  const extensions = host.platform === 'win32' ? (host.env.PATHEXT || '.EXE').split(';').filter(Boolean) : [''];
  const folders = (host.env.PATH ?? host.env.Path ?? '').split(path.delimiter).filter(Boolean);
  return folders
    .flatMap((folder) => extensions.map((extension) => path.join(folder, `tshark${extension}`)))
    .find(host.isExecutable);
}

/**
 * Where tshark comes from: an explicit option wins, then TEAMSHARK_TSHARK (either is used as given, found or
 * not), then "tshark" on PATH, then the installers' default folders. Nothing found: "tshark", which fails with
 * the install hint.
 */
export function tsharkCommand(explicitPath?: string, host: TsharkSearchHost = THIS_HOST): string {
  const chosen = chosenTshark(explicitPath, host);
  if (chosen) return chosen;
  if (onPath(host)) return 'tshark';
  return defaultTsharkPaths(host).find(host.isExecutable) ?? 'tshark';
}

function chosenTshark(explicitPath: string | undefined, host: TsharkSearchHost): string | undefined {
  return explicitPath || host.env.TEAMSHARK_TSHARK || undefined;
}

/** What to say when tsharkCommand's answer does not run: where it looked, and how to get tshark. */
export function tsharkMissingMessage(explicitPath: string | undefined, host: TsharkSearchHost = THIS_HOST): string {
  const searched = chosenTshark(explicitPath, host) ?? ['PATH', ...defaultTsharkPaths(host)].join(', ');
  return `tshark not found (${searched}): ${TSHARK_INSTALL_HINT}`;
}

/** Finds tshark, reads its version (cached per binary) and refuses one too old for the fields we read. */
export async function locateTshark(
  explicitPath?: string,
  cache = new TsharkFactsCache(),
  host: TsharkSearchHost = THIS_HOST,
): Promise<TsharkInfo> {
  const path = tsharkCommand(explicitPath, host);
  const binary = await identifyBinary(path);
  const version =
    (await cache.read<string>(binary, 'version')) ??
    (await readVersion(path, tsharkMissingMessage(explicitPath, host), binary, cache));
  if (compareVersions(version, MINIMUM_TSHARK_VERSION) < 0) {
    throw new TeamsharkError(
      'tshark-too-old',
      `tshark ${version} is too old: Teamshark needs ${MINIMUM_TSHARK_VERSION} or newer (${path}); ${TSHARK_INSTALL_HINT}`,
    );
  }
  return { path, version, binary };
}

async function readVersion(
  path: string,
  missingMessage: string,
  binary: BinaryId | undefined,
  cache: TsharkFactsCache,
): Promise<string> {
  const result = await execa(path, ['--version'], { reject: false, timeout: 30_000, stdin: 'ignore' });
  if (result.failed && (result.code === 'ENOENT' || result.code === 'EACCES')) {
    throw new TeamsharkError('tshark-missing', missingMessage);
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
