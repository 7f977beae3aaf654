import type { Endpoint, RoundTrip, StunMessage } from '../schema/generated/report.js';
import { formatEndpoint, sameEndpoint } from '../model/addressing.js';
import { addressFilter, anyOf } from '../util/display-filter.js';
import type { TcpHandshake } from '../model/quality-packets.js';

/** Frames kept as evidence per round-trip row. */
const EVIDENCE_FRAMES = 20;

interface Sample {
  from: Endpoint;
  to: Endpoint;
  ms: number;
  frames: [number, number];
}

/**
 * Round trips from STUN transactions the client started (ICE checks, TURN Allocate/Refresh/CreatePermission):
 * request → response with the same transaction id. By Karn's rule (Karn & Partridge, SIGCOMM 1987; RFC 6298 §3)
 * a transaction whose request was sent more than once gives no sample: a retransmission keeps the transaction
 * id (RFC 8489 §6.2.1), so the response cannot say which sending it answers. Requests the far side started
 * measure this host's answering time, not the network.
 */
export function stunRoundTrips(
  messages: readonly StunMessage[],
  clients: ReadonlySet<string>,
  relays: ReadonlySet<string>,
): RoundTrip[] {
  const pending = new Map<string, { request: StunMessage; sendings: number }>();
  const samples: Sample[] = [];
  for (const m of messages) {
    if (!m.transactionId) continue;
    if (m.class === 'request' && clients.has(m.source.ip)) {
      const sent = pending.get(m.transactionId);
      if (sent) sent.sendings += 1;
      else pending.set(m.transactionId, { request: m, sendings: 1 });
    } else if (m.class === 'success' || m.class === 'error') {
      const sent = pending.get(m.transactionId);
      if (!sent || !sameEndpoint(sent.request.destination, m.source)) continue;
      pending.delete(m.transactionId);
      if (sent.sendings > 1) continue;
      const { request } = sent;
      samples.push({
        from: request.source,
        to: request.destination,
        ms: (m.time - request.time) * 1000,
        frames: [request.frame, m.frame],
      });
    }
  }
  // Per relay (whichever local port asked), and per candidate pair.
  const isRelay = (s: Sample) => relays.has(formatEndpoint(s.to));
  return grouped(
    samples,
    'stun',
    (s) => (isRelay(s) ? formatEndpoint(s.to) : `${formatEndpoint(s.from)}→${formatEndpoint(s.to)}`),
    (s) =>
      isRelay(s)
        ? `TURN relay ${formatEndpoint(s.to)}`
        : `candidate pair ${formatEndpoint(s.from)} ↔ ${formatEndpoint(s.to)}`,
    (rows) =>
      anyOf(
        'frame.number',
        rows.flatMap((s) => s.frames),
      ),
  );
}

/**
 * Round trips from TCP handshakes the client opened: SYN → SYN/ACK, per server. A handshake whose SYN was sent
 * more than once gives no sample (Karn's rule, as for STUN above): the SYN/ACK may answer any of them.
 */
export function tcpRoundTrips(
  handshakes: readonly TcpHandshake[],
  clients: ReadonlySet<string>,
  labelOf: (ip: string) => string | undefined,
): RoundTrip[] {
  const samples: Sample[] = handshakes.flatMap((h) =>
    h.synAckTime !== undefined && h.syns === 1 && clients.has(h.client.ip)
      ? [
          {
            from: { ip: h.client.ip },
            to: h.server,
            ms: (h.synAckTime - h.synTime) * 1000,
            frames: [h.synFrame, h.synAckFrame!] as [number, number],
          },
        ]
      : [],
  );
  return grouped(
    samples,
    'tcp-handshake',
    (s) => formatEndpoint(s.to),
    (s) => labelOf(s.to.ip) ?? `server ${formatEndpoint(s.to)}`,
    (rows) => {
      const server = rows[0]!.to;
      return `${addressFilter(server.ip)} && tcp.port == ${server.port} && tcp.flags.syn == 1`;
    },
  );
}

function grouped(
  samples: Sample[],
  method: RoundTrip['method'],
  keyOf: (s: Sample) => string,
  labelOf: (s: Sample) => string,
  filterOf: (rows: Sample[]) => string,
): RoundTrip[] {
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = keyOf(s);
    const rows = groups.get(key);
    if (rows) rows.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()].map((rows) => {
    const sorted = rows.map((r) => r.ms).sort((a, b) => a - b);
    const evidence = rows.slice(0, EVIDENCE_FRAMES / 2);
    return {
      method,
      from: rows[0]!.from,
      to: rows[0]!.to,
      label: labelOf(rows[0]!),
      samples: rows.length,
      minMs: round(sorted[0]!),
      medianMs: round(sorted[Math.floor((sorted.length - 1) / 2)]!),
      maxMs: round(sorted[sorted.length - 1]!),
      frames: evidence.flatMap((r) => r.frames),
      filter: filterOf(evidence),
    };
  });
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
