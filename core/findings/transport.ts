import { formatEndpoint } from '../model/addressing.js';
import { anyOf } from '../display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';

/** Parallel TCP connections to one server, and why they matter. */
export const parallelConnections: FindingRule = {
  section: 'transport',
  find: ({ summaries }) =>
    summaries.parallelConnections.map((p): FindingDraft => ({
    id: `tcp-parallel-connections/${formatEndpoint(p.server)}`,
    severity: 'info',
    title: `${p.connections} TCP connections to ${formatEndpoint(p.server)}${p.names[0] ? ` (${p.names[0]})` : ''}, up to ${p.maxConcurrent} at once`,
    detail: `Each connection pays its own TCP handshake (and TLS handshake, when encrypted) and its own congestion-control slow start, and they compete with one another for the link; one multiplexed connection (HTTP/2) could carry the same requests.`,
    frames: p.frames,
    filter: anyOf('tcp.stream', p.flowIds.map((id) => id.split(':')[1]!)),
    })),
};
