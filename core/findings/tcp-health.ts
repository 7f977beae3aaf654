import { rfc } from '../knowledge/sources.js';
import type { TcpServerHealth } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import type { TcpConnectionEvents, TcpEvents, TcpSideHealth } from '../model/tcp-health.js';
import { flowsFilter } from '../util/display-filter.js';
import { count } from '../util/plural.js';
import type { FindingDraft, FindingRule } from './finding.js';

/**
 * Retransmitted data is trouble from this many segments on: one loss event (a lost segment, the probe after it,
 * a spurious repeat) already makes one to three, which every network shows now and then.
 */
const MIN_RETRANSMISSIONS = 5;

/**
 * …and from this share of the data segments: TCP's throughput falls with the square root of the loss rate
 * (Mathis et al., "The Macroscopic Behavior of the TCP Congestion Avoidance Algorithm", 1997), so at 10 % a
 * connection moves about a third of what it does at 1 %, an order of magnitude above the loss a healthy path shows.
 */
const RETRANSMISSION_SHARE = 0.1;

const SYN_RETRY_FILTER = 'tcp.flags.syn == 1 && tcp.flags.ack == 0 && tcp.analysis.retransmission';
const DATA_RETRANSMISSION_FILTER = 'tcp.analysis.retransmission && tcp.len > 0';
const ZERO_WINDOW_FILTER = 'tcp.analysis.zero_window';

/**
 * Real trouble on a server's TCP connections, as tshark's TCP analysis shows it: SYNs sent again (each retry waits
 * out a retransmission timeout), data retransmitted beyond what one loss event makes, a receive window that
 * closed. Resets are not trouble on their own: Teams ends connections with RST routinely (a server closing an
 * idle connection, a raced connection the client abandoned after the SYN-ACK, late data after a close), so they
 * are counted in the TCP health table and never make a finding.
 */
export const tcpTrouble: FindingRule = {
  section: 'transport',
  sources: {
    'tcp-syn-retries': rfc(6298, "Computing TCP's Retransmission Timer", '§2 and §5.5'),
    'tcp-zero-window': rfc(9293, 'Transmission Control Protocol (TCP)', '§3.8.6.1'),
  },
  find({ summaries, model }) {
    const eventsOf = new Map(model.tcpHealth.map((c) => [c.flowId, c]));
    return summaries.tcpHealth.servers.flatMap((server) => {
      const connections = server.flowIds.flatMap((id) => eventsOf.get(id) ?? []);
      return [
        synRetries(server, connections),
        retransmissions(server, connections),
        zeroWindows(server, connections),
      ].filter((draft): draft is FindingDraft => draft !== undefined);
    });
  },
};

function synRetries(server: TcpServerHealth, connections: TcpConnectionEvents[]): FindingDraft | undefined {
  const retried = withEvents(connections, (side) => side.synRetries);
  if (server.counts.synRetries === 0) return undefined;
  const unanswered = server.unanswered
    ? ` ${count(server.unanswered, 'connection')} never got an answer in the capture: ${server.unanswered === 1 ? 'it' : 'they'} failed.`
    : '';
  return {
    id: `tcp-syn-retries/${formatEndpoint(server.server)}`,
    severity: 'warning',
    title: `${count(server.counts.synRetries, 'SYN retransmission')} to ${subject(server)} on ${count(retried.length, 'TCP connection')}`,
    detail:
      'A SYN is sent again when no SYN-ACK came back within the retransmission timeout, 1 s for the first retry and doubling after each (RFC 6298 §2 and §5.5): every retry held up the connection, and what waited on it, by at least that long.' +
      unanswered,
    frames: retried.flatMap(({ events }) => events.frames),
    filter: scoped(retried, SYN_RETRY_FILTER),
  };
}

function retransmissions(server: TcpServerHealth, connections: TcpConnectionEvents[]): FindingDraft | undefined {
  const { retransmissions: sent, dataSegments } = server.counts;
  if (sent < MIN_RETRANSMISSIONS || sent < dataSegments * RETRANSMISSION_SHARE) return undefined;
  const retransmitted = withEvents(connections, (side) => side.retransmissions);
  return {
    id: `tcp-retransmissions/${formatEndpoint(server.server)}`,
    severity: 'warning',
    title: `${sent} retransmissions of data with ${subject(server)}: ${Math.round((sent / dataSegments) * 100)} % of its ${dataSegments} data segments`,
    detail:
      `Segments were sent again on ${count(retransmitted.length, 'TCP connection')} (tcp.analysis.retransmission, fast and spurious retransmissions included): data or its acknowledgement was lost or held up on the path. ` +
      `From ${MIN_RETRANSMISSIONS} retransmissions and ${RETRANSMISSION_SHARE * 100} % of the data segments on, this is more than one loss event: TCP's throughput falls with the square root of the loss rate (Mathis et al. 1997), and each timeout stalls the connection for a retransmission timeout.`,
    frames: retransmitted.flatMap(({ events }) => events.frames),
    filter: scoped(retransmitted, DATA_RETRANSMISSION_FILTER),
  };
}

function zeroWindows(server: TcpServerHealth, connections: TcpConnectionEvents[]): FindingDraft | undefined {
  const stalled = withEvents(connections, (side) => side.zeroWindows);
  if (stalled.length === 0) return undefined;
  return {
    id: `tcp-zero-window/${formatEndpoint(server.server)}`,
    severity: 'notice',
    title: `A receive window closed on ${count(stalled.length, 'TCP connection')} with ${subject(server)}`,
    detail:
      `${count(server.counts.zeroWindows, 'zero-window advertisement')} before the advertising side's own FIN: its receive buffer was full, the application behind it did not read fast enough, and the other side had to stop sending and probe the window (RFC 9293 §3.8.6.1). ` +
      'A socket that has already sent its FIN may advertise zero on its last ACKs; those are no stall and not counted.',
    frames: stalled.flatMap(({ events }) => events.frames),
    filter: scoped(stalled, ZERO_WINDOW_FILTER),
  };
}

/** The connections with at least one event of a kind, with those events from both sides. */
function withEvents(
  connections: TcpConnectionEvents[],
  kind: (side: TcpSideHealth) => TcpEvents,
): { flowId: string; events: TcpEvents }[] {
  return connections.flatMap((connection) => {
    const sides = [...connection.sides.values()].map(kind);
    const events = { count: 0, frames: [] as number[] };
    for (const side of sides) {
      events.count += side.count;
      events.frames.push(...side.frames);
    }
    return events.count > 0 ? [{ flowId: connection.flowId, events }] : [];
  });
}

/** The kind's filter on these connections only. */
function scoped(connections: { flowId: string }[], filter: string): string {
  return `(${flowsFilter(connections.map((c) => c.flowId))}) && ${filter}`;
}

function subject(server: TcpServerHealth): string {
  return `${formatEndpoint(server.server)}${server.names[0] ? ` (${server.names[0]})` : ''}`;
}
