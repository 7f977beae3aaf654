import { access, constants, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { TeamsharkError } from '../util/errors.js';
import type { DecryptedTraffic } from '../model/http.js';
import type { Decryption } from '../schema/generated/report.js';

/** tshark reads the key log itself (its TLS dissector's preference); Teamshark never parses the secrets. */
export function keylogTsharkOptions(keylog: string): string[] {
  return ['-o', `tls.keylog_file:${keylog}`];
}

/** A key log tshark could not open would be ignored silently: say so first, in one line. */
export async function checkKeylog(keylog: string): Promise<void> {
  const info = await stat(keylog).catch(() => undefined);
  if (!info) throw new TeamsharkError('keylog-not-found', `${keylog}: key log not found`);
  if (!info.isFile()) throw new TeamsharkError('not-a-file', `${keylog}: the key log is not a regular file`);
  await access(keylog, constants.R_OK).catch(() => {
    throw new TeamsharkError('permission-denied', `${keylog}: cannot read the key log (permission denied)`);
  });
}

/** The decrypted requests and responses, in Wireshark's words. */
export const DECRYPTED_REQUESTS_FILTER =
  'tls && (http.request || http.response || http2.headers.method || http2.headers.status)';

/** The report's decryption section: counts, decrypted flows and requests (method, host, path template, status, sizes). */
export function decryptionSection(keylog: string, traffic: DecryptedTraffic): Decryption {
  return {
    keylog: basename(keylog),
    sessions: traffic.sessions,
    sessionsDecrypted: traffic.decryptedFlows.length,
    decryptedFlows: traffic.decryptedFlows,
    requests: traffic.requests,
    filter: DECRYPTED_REQUESTS_FILTER,
  };
}
