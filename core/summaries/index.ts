import type { CipherSuiteSeen, ClientFingerprint, DnsName, ParallelConnections, Report, TlsServer } from '../schema/generated/report.js';
import type { ModelFlow } from '../model/flows.js';
import { NameIndex } from './names.js';
import { cipherSuitesSeen } from './cipher-suites-seen.js';
import { summarizeDnsNames } from './dns-names.js';
import { clientFingerprints, tlsServers } from './tls-summary.js';
import { ipVersions, parallelConnections } from './transport.js';

/** What the summaries read: parts of the capture model. */
export interface SummaryInputs {
  readonly protocols: Report['protocols'];
  readonly flows: readonly ModelFlow[];
  readonly dns: Report['dns']['transactions'];
  readonly tls: Report['tls']['handshakes'];
}

/** Derived views of the capture model, each a report table of its own; none changes the model. */
export interface Summaries {
  /** What the capture calls each address (not in the report; the classifiers and findings consult it). */
  readonly names: NameIndex;
  readonly dnsNames: DnsName[];
  readonly cipherSuites: CipherSuiteSeen[];
  readonly clientFingerprints: ClientFingerprint[];
  readonly tlsServers: TlsServer[];
  readonly ipVersions: Report['transport']['ipVersions'];
  readonly parallelConnections: ParallelConnections[];
}

export function summarize(model: SummaryInputs): Summaries {
  const names = new NameIndex(model.dns, model.tls);
  return {
    names,
    dnsNames: summarizeDnsNames(model.dns),
    cipherSuites: cipherSuitesSeen(model.tls),
    clientFingerprints: clientFingerprints(model.tls),
    tlsServers: tlsServers(model.tls),
    ipVersions: ipVersions(model.protocols),
    parallelConnections: parallelConnections(model.flows, names),
  };
}
