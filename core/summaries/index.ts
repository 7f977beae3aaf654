import type {
  CipherSuiteSeen,
  ClientFingerprint,
  DnsName,
  ParallelConnections,
  Report,
  TlsHandshake,
  TcpHealth,
  TlsServer,
} from '../schema/generated/report.js';
import type { ClassifiedFlow } from '../model/flows.js';
import type { TcpConnectionEvents } from '../model/tcp-health.js';
import type { NameIndex } from './names.js';
import { cipherSuitesSeen } from './cipher-suites-seen.js';
import { summarizeDnsNames } from './dns-names.js';
import { clientFingerprints, tlsServers } from './tls-summary.js';
import { tcpHealth } from './tcp-health.js';
import { tlsHandshakes } from './tls-handshakes.js';
import { ipVersions, parallelConnections } from './transport.js';

/** What the summaries read: parts of the capture model, the flows with their services and what the capture calls each address. */
export interface SummaryInputs {
  readonly protocols: Report['protocols'];
  readonly flows: readonly ClassifiedFlow[];
  readonly dns: Report['dns']['transactions'];
  readonly tls: Report['tls']['handshakes'];
  readonly names: NameIndex;
  readonly tcpHealth: readonly TcpConnectionEvents[];
}

/** Derived views of the capture model, each a report table of its own; none changes the model. */
export interface Summaries {
  /** What the capture calls each address (not in the report; the classifiers and findings consult it). */
  readonly names: NameIndex;
  /** The handshakes that are TLS: the media relays' pseudo-TLS (MS-TURN framing) belongs in no TLS statistic. */
  readonly tls: TlsHandshake[];
  readonly dnsNames: DnsName[];
  readonly cipherSuites: CipherSuiteSeen[];
  readonly clientFingerprints: ClientFingerprint[];
  readonly tlsServers: TlsServer[];
  readonly ipVersions: Report['transport']['ipVersions'];
  readonly parallelConnections: ParallelConnections[];
  readonly tcpHealth: TcpHealth;
}

export function summarize({ protocols, flows, dns, tls: handshakes, names, tcpHealth: tcp }: SummaryInputs): Summaries {
  const tls = tlsHandshakes(handshakes);
  return {
    names,
    tls,
    dnsNames: summarizeDnsNames(dns),
    cipherSuites: cipherSuitesSeen(tls),
    clientFingerprints: clientFingerprints(tls),
    tlsServers: tlsServers(tls),
    ipVersions: ipVersions(protocols),
    parallelConnections: parallelConnections(flows, names, handshakes),
    tcpHealth: tcpHealth(flows, tcp, names),
  };
}
