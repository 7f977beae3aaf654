import type { RuleSource } from '../knowledge/sources.js';
import type { Finding } from '../schema/generated/report.js';
import { activitySegments, callPhases } from './activity.js';
import { dnsAuthorities, dnsCnameChains, dnsLoadBalancing } from './dns-records.js';
import { dnsSecurity } from './dns-security.js';
import { dnsVolume } from './dns-volume.js';
import { makeFinding, type FindingFacts, type FindingRule } from './finding.js';
import { malformedPackets } from './malformed.js';
import { callPaths, mediaStreams } from './media.js';
import { oneWayAudio } from './one-way-media.js';
import { plaintext } from './plaintext.js';
import { callQuality } from './quality.js';
import { reflexiveAddresses, turnAllocations } from './stun.js';
import { certificateValidity, tlsVersions } from './tls-handshakes.js';
import { pseudoTlsRelay, tlsSecurity } from './tls-security.js';
import { tcpTrouble } from './tcp-health.js';
import { parallelConnections } from './transport.js';

/**
 * Every finding the report states, one rule per kind, in the order the report lists them.
 *
 * To add a finding: write a rule in its own file (or beside related ones),
 *
 *   export const myFinding: FindingRule = {
 *     section: 'security',                        // the report section it belongs in
 *     sources: { 'my-kind': rfc(1234, 'Title') }, // the standard it applies, if any (get_finding gives it)
 *     find: ({ model, summaries, classification, flows, activity }) => [
 *       { id: 'my-kind/subject', severity: 'notice', title: '…', detail: '…', frames: [12, 14], filter: '…' },
 *     ],
 *   };
 *
 * and add it to this list. `find` reads FindingFacts (core/findings/finding.ts: the capture model, the
 * summaries, the classification, the flows with their services, the activity) and must not change them;
 * makeFinding adds the section, makes the id safe, and dedupes, sorts and caps the frames (a draft without
 * frames is a bug and throws).
 */
export const FINDING_RULES: readonly FindingRule[] = [
  dnsCnameChains,
  dnsAuthorities,
  dnsLoadBalancing,
  tlsVersions,
  certificateValidity,
  turnAllocations,
  reflexiveAddresses,
  malformedPackets,
  dnsSecurity,
  dnsVolume,
  parallelConnections,
  tcpTrouble,
  plaintext,
  tlsSecurity,
  pseudoTlsRelay,
  mediaStreams,
  callPaths,
  activitySegments,
  callPhases,
  callQuality,
  oneWayAudio,
];

/** The standard or document a finding applies: its rule's source for its whole id, else for its kind. */
export function findingSource(id: string): RuleSource | undefined {
  const kind = id.split('/')[0]!;
  for (const { sources } of FINDING_RULES) {
    const source = sources?.[id] ?? sources?.[kind];
    if (source) return source;
  }
  return undefined;
}

/** The findings of every rule, in the list's order. */
export function findingsOf(facts: FindingFacts, rules: readonly FindingRule[] = FINDING_RULES): Finding[] {
  return rules.flatMap((rule) =>
    rule.find(facts).map((draft) => makeFinding(rule.section, draft, facts.model.frameTime)),
  );
}
