import type { TlsHandshake } from '../schema/generated/report.js';
import { anyOf } from '../display-filter.js';
import type { TsharkInfo } from '../tshark/locate.js';
import { startTshark } from '../tshark/process.js';
import { AnalysisCancelled } from '../errors.js';
import { count } from '../plural.js';

/**
 * STUN's magic cookie (RFC 8489 §5) at byte 8 of a TCP payload: MS-TURN over TCP frames each message with a
 * 4-byte header (type 0x02 control / 0x03 data, a reserved byte, a 16-bit length; [MS-TURN] §2.2.1), then the
 * STUN header's type and length, then the cookie. tshark has no dissector for that framing (decode-as STUN
 * on the port fails on the 4-byte header, and the TLS dissector calls these records "Ignored Unknown
 * Record"), but its display filter can test the bytes, so tshark, not Teamshark, reads them.
 */
export const MS_TURN_TCP_COOKIE_FILTER = 'tcp.payload[8:4] == 21:12:a4:42';

/**
 * Packets past which a relay's TCP connection carries a call's media, not only its allocation and refreshes (a
 * fallback candidate exchanges a handful): media at 50 packets/s passes it in two seconds.
 */
const MEDIA_OVER_TCP_PACKETS = 100;

/** The connections to a media relay, in its pseudo-TLS framing, that carry a call's media: UDP was blocked or not tried. */
export function tcpRelayMediaFlows<F extends { id: string; packets: number }>(handshakes: readonly TlsHandshake[], flows: readonly F[]): F[] {
  const relayFlows = new Set(handshakes.filter((h) => h.pseudoTls && h.protocol === 'tls').map((h) => h.flowId));
  return flows.filter((f) => relayFlows.has(f.id) && f.packets >= MEDIA_OVER_TCP_PACKETS);
}

/** The TCP streams of the handshakes, as a display filter. */
export function streamFilter(handshakes: readonly TlsHandshake[]): string {
  return anyOf('tcp.stream', new Set(handshakes.map((h) => h.flowId.split(':')[1]!)));
}

/**
 * Confirms the handshakes shaped like Teams' relay pseudo-TLS (TlsHandshake.pseudoTls, set by the TLS
 * collector) by asking tshark which of their streams' records carry a STUN message; a handshake whose stream
 * carries none is TLS after all and loses the mark — unless other connections to the same server carry
 * STUN, or the address serves TURN over UDP in the capture (a connection closed right after its handshake). A capture that cannot be read twice (a FIFO) keeps the
 * shape-only mark, and its reason says the STUN was not checked.
 */
export async function confirmPseudoTls(
  handshakes: readonly TlsHandshake[],
  run: { tshark: TsharkInfo; capture: string; options: readonly string[]; rereadable: boolean; signal?: AbortSignal },
  turnServers: ReadonlySet<string>,
): Promise<void> {
  const candidates = handshakes.filter((h) => h.pseudoTls);
  if (candidates.length === 0) return;
  if (!run.rereadable) {
    for (const h of candidates) h.pseudoTls!.reason += '; the STUN inside was not checked (the capture was read from a pipe)';
    return;
  }
  const stunFrames = new Map<string, number[]>();
  const filter = `(${streamFilter(candidates)}) && ${MS_TURN_TCP_COOKIE_FILTER}`;
  const args = [...run.options, '-Y', filter, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream'];
  const exit = await startTshark(
    run.tshark,
    run.capture,
    args,
    (line) => {
      const [frame, stream] = line.split('\t');
      if (!frame || !stream) return;
      const flowId = `tcp:${stream}`;
      stunFrames.set(flowId, [...(stunFrames.get(flowId) ?? []), Number(frame)]);
    },
    run.signal,
  ).done;
  if (run.signal?.aborted || exit.cancelled) throw new AnalysisCancelled();
  if (exit.exitCode !== 0 || exit.failed) {
    for (const h of candidates) h.pseudoTls!.reason += `; the STUN inside could not be checked (tshark: ${exit.stderr.split('\n')[0] ?? 'failed'})`;
    return;
  }
  const endpoint = (h: TlsHandshake) => `${h.server.ip}|${h.server.port}`;
  const confirmedServers = new Set(candidates.filter((h) => stunFrames.has(h.flowId)).map(endpoint));
  for (const h of candidates) {
    const frames = stunFrames.get(h.flowId) ?? [];
    if (frames.length) {
      h.pseudoTls!.stunFrames = frames;
      h.pseudoTls!.reason += `; ${count(frames.length, 'record')} after it carry STUN/TURN in clear (magic cookie 0x2112A442 at byte 8)`;
    } else if (confirmedServers.has(endpoint(h))) {
      // A connection closed right after the handshake, beside others to the same server that do carry TURN.
      h.pseudoTls!.reason += '; no record follows it, but other connections to the same server carry STUN/TURN in clear';
    } else if (turnServers.has(h.server.ip)) {
      h.pseudoTls!.reason += '; no record follows it, but the same address serves TURN over UDP in this capture';
    } else {
      delete h.pseudoTls;
    }
  }
}
