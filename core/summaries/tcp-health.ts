import type { TcpConnectionHealth, TcpCounts, TcpHealth, TcpServerHealth } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import type { ModelFlow } from '../model/flows.js';
import type { TcpConnectionEvents, TcpSideHealth } from '../model/tcp-health.js';
import { groupBy } from '../util/collections.js';
import { streamFilter } from '../util/display-filter.js';
import type { NameIndex } from './names.js';

/** Evidence frames listed per connection. */
const CONNECTION_FRAMES = 40;

/**
 * The TCP connections and servers on which tshark's TCP analysis marks anything: retransmitted data or SYNs,
 * resets, zero windows, duplicate ACKs, or a SYN never answered. What is trouble and what is routine (most
 * resets are) is the finding's to say (core/findings/tcp-health.ts).
 */
export function tcpHealth(
  flows: readonly ModelFlow[],
  events: readonly TcpConnectionEvents[],
  names: NameIndex,
): TcpHealth {
  const eventsOf = new Map(events.map((e) => [e.flowId, e.sides]));
  const tcp = flows.filter((f) => f.transport === 'tcp');
  const connections = tcp.flatMap((flow): TcpConnectionHealth[] => {
    const sides = eventsOf.get(flow.id);
    const client = sides?.get(formatEndpoint(flow.client));
    const server = sides?.get(formatEndpoint(flow.server));
    const counts = sum([client, server]);
    const handshake = !client?.sentSyn ? 'not-seen' : server?.sentSynAck ? 'complete' : 'unanswered';
    if (!hasEvents(counts) && handshake !== 'unanswered') return [];
    const frames = [client, server]
      .flatMap((side) =>
        side ? [side.retransmissions, side.synRetries, side.resets, side.zeroWindows].flatMap((e) => e.frames) : [],
      )
      .sort((a, b) => a - b)
      .slice(0, CONNECTION_FRAMES);
    return [
      {
        flowId: flow.id,
        client: flow.client,
        server: flow.server,
        handshake,
        counts,
        resetsByClient: client?.resets.count ?? 0,
        resetsByServer: server?.resets.count ?? 0,
        frames: frames.length ? frames : [flow.firstFrame],
        filter: streamFilter(flow.id),
      },
    ];
  });
  const healthOf = new Map(connections.map((c) => [c.flowId, c]));
  const servers = [...groupBy(tcp, (f) => formatEndpoint(f.server)).values()].flatMap((group): TcpServerHealth[] => {
    const troubled = group.flatMap((f) => healthOf.get(f.id) ?? []);
    if (troubled.length === 0) return [];
    const server = group[0]!.server;
    return [
      {
        server,
        names: [...new Set(names.namesOf(server.ip).map((s) => s.name))],
        connections: group.length,
        unanswered: troubled.filter((c) => c.handshake === 'unanswered').length,
        counts: {
          ...addCounts(troubled.map((c) => c.counts)),
          // Data segments of every connection, not only those with events: the share of retransmissions needs them.
          dataSegments: group.reduce((total, f) => total + dataSegments(eventsOf.get(f.id)), 0),
        },
        flowIds: group.map((f) => f.id),
      },
    ];
  });
  servers.sort((a, b) => trouble(b) - trouble(a) || b.counts.resets - a.counts.resets);
  return { connections, servers };
}

const NO_COUNTS: TcpCounts = {
  dataSegments: 0,
  retransmissions: 0,
  synRetries: 0,
  resets: 0,
  zeroWindows: 0,
  duplicateAcks: 0,
};

function sum(sides: (TcpSideHealth | undefined)[]): TcpCounts {
  return addCounts(
    sides.flatMap((side) =>
      side
        ? [
            {
              dataSegments: side.dataSegments,
              retransmissions: side.retransmissions.count,
              synRetries: side.synRetries.count,
              resets: side.resets.count,
              zeroWindows: side.zeroWindows.count,
              duplicateAcks: side.duplicateAcks,
            },
          ]
        : [],
    ),
  );
}

function addCounts(counts: readonly TcpCounts[]): TcpCounts {
  const total = { ...NO_COUNTS };
  for (const c of counts) for (const key of Object.keys(total) as (keyof TcpCounts)[]) total[key] += c[key];
  return total;
}

function hasEvents(counts: TcpCounts): boolean {
  return counts.retransmissions + counts.synRetries + counts.resets + counts.zeroWindows + counts.duplicateAcks > 0;
}

function dataSegments(sides: Map<string, TcpSideHealth> | undefined): number {
  return [...(sides?.values() ?? [])].reduce((total, side) => total + side.dataSegments, 0);
}

function trouble(server: TcpServerHealth): number {
  return server.counts.synRetries + server.counts.retransmissions + server.counts.zeroWindows + server.unanswered;
}
