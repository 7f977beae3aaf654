import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { TeamsharkError, oneLine } from '../util/errors.js';
import { THIS_HOST, tsharkCommand, WIRESHARK_INSTALL, type TsharkSearchHost } from '../tshark/locate.js';

/**
 * Wireshark's editcap, which writes every annotated capture: Teamshark never writes a user's capture with a
 * pcapng writer of its own. It comes in the same package as tshark, so it is looked for beside the tshark in
 * use (TEAMSHARK_EDITCAP overrides), then on PATH.
 */
export function editcapCommand(tsharkPath?: string, host: TsharkSearchHost = THIS_HOST): string {
  if (host.env.TEAMSHARK_EDITCAP) return host.env.TEAMSHARK_EDITCAP;
  const tshark = tsharkCommand(tsharkPath, host);
  return /[/\\]/.test(tshark) ? join(dirname(tshark), 'editcap') : 'editcap';
}

/** Runs editcap; a missing editcap or one that fails is a one-line TeamsharkError. */
export async function runEditcap(command: string, args: readonly string[], signal?: AbortSignal): Promise<void> {
  const result = await execa(command, args, { reject: false, stdin: 'ignore', timeout: 600_000, cancelSignal: signal });
  if (result.failed && (result.code === 'ENOENT' || result.code === 'EACCES')) {
    throw new TeamsharkError(
      'editcap-missing',
      `editcap not found (${command}): it comes with tshark (${WIRESHARK_INSTALL}), or set TEAMSHARK_EDITCAP to its path`,
    );
  }
  if (result.failed)
    throw new TeamsharkError(
      'editcap-failed',
      `editcap failed: ${oneLine(String(result.stderr ?? '') || (result.shortMessage ?? 'no message'), 200)}`,
    );
}

/** Fails before a long analysis, not after it, when editcap cannot be run. */
export async function checkEditcap(command: string): Promise<void> {
  await runEditcap(command, ['-h']);
}
