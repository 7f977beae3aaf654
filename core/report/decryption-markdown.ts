import type { Report } from '../schema/generated/report.js';
import { markdownCode, markdownText } from './escape.js';
import { markdownTable } from './markdown-table.js';
import { DECRYPTED_REQUESTS } from './tables/decryption.js';

/** The report's "Decryption" section, present only when a key log was given: counts, then the request lines. */
export function decryptionMarkdown(report: Report): string[] {
  const { decryption } = report;
  if (!decryption) return [];
  return [
    '## Decryption (TLS key log)',
    '',
    `The key log ${markdownText(decryption.keylog)} decrypted **${decryption.sessionsDecrypted} of ${decryption.sessions}** TLS session(s)${decryption.decryptedFlows.length ? ` (${decryption.decryptedFlows.join(', ')})` : ''}. ` +
      `Shown: method, host, path (identifiers as {id}, no query), status and sizes — never secrets, cookies or bodies. Filter ${markdownCode(decryption.filter)}`,
    '',
    ...markdownTable(DECRYPTED_REQUESTS, report),
  ];
}
