import type { ParallelConnections, ProtocolShare, Report, TlsHandshake } from '../schema/generated/report.js';
import { groupBy } from '../util/collections.js';
import { formatEndpoint } from '../model/addressing.js';
import type { ClassifiedFlow } from '../model/flows.js';
import type { NameIndex } from './names.js';

/**
 * TCP connections a client keeps open to the same server at the same time: each pays its own handshakes,
 * congestion control and head-of-line blocking; HTTP/2 exists to make one connection enough.
 */
export function parallelConnections(
  flows: readonly ClassifiedFlow[],
  names: NameIndex,
  tls: readonly TlsHandshake[],
): ParallelConnections[] {
  const handshakeOf = new Map(tls.map((h) => [h.flowId, h]));
  // Only connections that carry an application protocol count (a Happy-Eyeballs race or a probe that never
  // gets past SYN/SYN-ACK carries none), and never a media relay's pseudo-TLS, whose connections are ICE
  // candidates, not requests that could share one connection. The service must match too.
  const byServer = groupBy(
    flows.filter((f) => f.transport === 'tcp' && f.protocols.length > 0 && !handshakeOf.get(f.id)?.pseudoTls),
    (flow) => `${flow.client.ip}|${formatEndpoint(flow.server)}|${flow.service.name}`,
  );
  return [...byServer.values()]
    .filter((group) => group.length > 1)
    .map((group): ParallelConnections => {
      // Sweep the start and end times: the most connections open at once.
      const events = group.flatMap((f) => [
        { time: f.start, delta: 1 },
        { time: f.end, delta: -1 },
      ]);
      events.sort((a, b) => a.time - b.time || b.delta - a.delta);
      let open = 0;
      let maxConcurrent = 0;
      for (const event of events) maxConcurrent = Math.max(maxConcurrent, (open += event.delta));
      const alpn = [
        ...new Set(
          group.map(
            (f) => handshakeOf.get(f.id)?.serverHello?.alpn ?? (f.protocols.includes('http') ? 'http/1.1' : undefined),
          ),
        ),
      ];
      return {
        ...(alpn.every((a) => a !== undefined) ? { applicationProtocols: alpn as string[] } : {}),
        server: group[0]!.server,
        names: [...new Set(names.namesOf(group[0]!.server.ip).map((s) => s.name))],
        connections: group.length,
        maxConcurrent,
        flowIds: group.map((f) => f.id),
        frames: group.map((f) => f.firstFrame).slice(0, 20),
      };
    })
    .filter((p) => p.maxConcurrent > 1)
    .sort((a, b) => b.maxConcurrent - a.maxConcurrent || b.connections - a.connections);
}

export function ipVersions(protocols: readonly ProtocolShare[]): Report['transport']['ipVersions'] {
  const share = (protocol: string) => {
    const found = protocols.find((p) => p.protocol === protocol);
    return { packets: found?.packets ?? 0, bytes: found?.bytes ?? 0 };
  };
  return { ipv4: share('ip'), ipv6: share('ipv6') };
}
