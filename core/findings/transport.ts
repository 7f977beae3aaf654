import { formatEndpoint } from '../model/addressing.js';
import { flowsFilter } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';

/** Parallel TCP connections to one server, and why they matter. */
export const parallelConnections: FindingRule = {
  section: 'transport',
  find: ({ summaries }) =>
    summaries.parallelConnections.map((p): FindingDraft => ({
      id: `tcp-parallel-connections/${formatEndpoint(p.server)}`,
      severity: 'info',
      title: `${p.connections} TCP connections to ${formatEndpoint(p.server)}${p.names[0] ? ` (${p.names[0]})` : ''}, up to ${p.maxConcurrent} at once`,
      detail: `Each connection pays its own TCP handshake (and TLS handshake, when encrypted) and its own congestion-control slow start, and they compete with one another for the link${advice(p.applicationProtocols)}`,
      frames: p.frames,
      filter: flowsFilter(p.flowIds),
    })),
};

/** Advice only where the capture shows it holds: HTTP/1.1 on every connection, which cannot multiplex. */
function advice(protocols: readonly string[] | undefined): string {
  if (protocols?.length === 1 && protocols[0] === 'http/1.1')
    return '. They speak HTTP/1.1, one request at a time per connection: one multiplexed HTTP/2 connection could carry the same requests.';
  if (protocols?.includes('h2'))
    return `. They already speak ${protocols.join(', ')} (ALPN): the parallel connections are the client's choice, not a protocol limit.`;
  return '. What they carry is encrypted without an ALPN answer, so whether one connection could carry it all cannot be told from the capture.';
}
