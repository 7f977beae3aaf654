import type { Finding } from '../schema/generated/report.js';

/**
 * A finding's id is its kind, then what it is about ("dns-cname-chain/config.teams.microsoft.com"). The
 * subject comes from the capture, which may hold any bytes: anything outside the id alphabet becomes "-".
 */
export function withSafeIds(findings: Finding[]): Finding[] {
  return findings.map((f) => {
    const slash = f.id.indexOf('/');
    if (slash < 0) return f;
    const subject = f.id.slice(slash + 1).toLowerCase().replace(/[^a-z0-9.:_[\]-]/g, '-');
    return { ...f, id: `${f.id.slice(0, slash)}/${subject || '-'}` };
  });
}
