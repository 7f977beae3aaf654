import type { Decryption } from '../schema/generated/report.js';
import { markdownCode, markdownText } from './escape.js';
import { table } from './markdown-table.js';

const REQUEST_ROWS = 40;

/** The report's "Decryption" section, present only when a key log was given: counts, then the request lines. */
export function decryptionMarkdown(decryption: Decryption): string {
  const out = [
    '## Decryption (TLS key log)',
    '',
    `The key log ${markdownText(decryption.keylog)} decrypted **${decryption.sessionsDecrypted} of ${decryption.sessions}** TLS session(s)${decryption.decryptedFlows.length ? ` (${decryption.decryptedFlows.join(', ')})` : ''}. ` +
      `Shown: method, host, path (identifiers as {id}, no query), status and sizes — never secrets, cookies or bodies. Filter ${markdownCode(decryption.filter)}`,
    '',
    table(
      ['Frame', 'Flow', 'Protocol', 'Request', 'Status', 'Bytes sent', 'Bytes received', 'Action'],
      decryption.requests
        .slice(0, REQUEST_ROWS)
        .map((r) => [
          String(r.frame),
          r.flowId,
          r.protocol,
          markdownText(`${r.method} ${r.host}${r.pathTemplate}`),
          r.status === undefined ? '–' : `${r.status}${r.responseFrame ? ` (frame ${r.responseFrame})` : ''}`,
          r.requestBytes === undefined ? '–' : String(r.requestBytes),
          r.responseBytes === undefined ? '–' : String(r.responseBytes),
          r.action ?? '',
        ]),
      decryption.requests.length,
    ),
  ];
  return out.join('\n');
}
