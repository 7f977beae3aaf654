import type { NamedCode, Report } from '../../schema/generated/report.js';
import { hex } from '../../util/display-filter.js';

/** A protocol code by its name, in hex when it has none. */
export function codeName(code: NamedCode): string {
  return code.name ?? hex(code.code);
}

export type ChainLink = NonNullable<Report['tls']['servers'][number]['certificateChain']>[number];

/** A certificate by its CN, the full DN when it has none. */
export function certificateName(c: ChainLink): string {
  return c.subjectCommonName ?? c.subject;
}

/** The issuing CA by name (its CN: "Microsoft IT TLS CA 4"), not its organisation. */
export function issuerName(c: ChainLink): string {
  return c.issuerCommonName ?? c.issuerOrganization ?? c.issuer;
}

export function validity(c: ChainLink): string {
  return `${c.notBefore.slice(0, 10)} → ${c.notAfter.slice(0, 10)}, ${c.validityDays} days`;
}
