import type { Finding, ParallelConnections } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { anyOf } from './filter.js';

/** Parallel TCP connections to one server, and why they matter. */
export function parallelConnectionFindings(parallel: readonly ParallelConnections[]): Finding[] {
  return parallel.map((p) => ({
    id: `tcp-parallel-connections/${formatEndpoint(p.server)}`,
    section: 'transport',
    severity: 'info',
    title: `${p.connections} TCP connections to ${formatEndpoint(p.server)}${p.names[0] ? ` (${p.names[0]})` : ''}, up to ${p.maxConcurrent} at once`,
    detail: `Each connection pays its own TCP handshake (and TLS handshake, when encrypted) and its own congestion-control slow start, and they compete with one another for the link; one multiplexed connection (HTTP/2) could carry the same requests.`,
    frames: p.frames as Finding['frames'],
    filter: anyOf('tcp.stream', p.flowIds.map((id) => id.split(':')[1]!)),
  }));
}
