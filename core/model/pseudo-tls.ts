import type { TlsHandshake } from '../schema/generated/report.js';
import { anyOf } from '../util/display-filter.js';
import type { TsharkInfo } from '../tshark/locate.js';
import { startTshark, type TsharkExit } from '../tshark/process.js';
import { indexCapture, type CaptureIndex } from '../tshark/chunking/capture-index.js';
import { readRanges, subsetRanges } from '../tshark/chunking/frame-subset.js';
import { AnalysisCancelled } from '../util/errors.js';
import { count } from '../util/plural.js';
import { groupBy } from '../util/collections.js';

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
export function tcpRelayMediaFlows<F extends { id: string; packets: number }>(
  handshakes: readonly TlsHandshake[],
  flows: readonly F[],
): F[] {
  const relayFlows = new Set(handshakes.filter((h) => h.pseudoTls && h.protocol === 'tls').map((h) => h.flowId));
  return flows.filter((f) => relayFlows.has(f.id) && f.packets >= MEDIA_OVER_TCP_PACKETS);
}

/** The TCP streams of the handshakes, as a display filter. */
export function streamFilter(handshakes: readonly TlsHandshake[]): string {
  return anyOf('tcp.stream', new Set(handshakes.map((h) => h.flowId.split(':')[1]!)));
}

/** What confirmPseudoTls needs of the analysis' tshark pass. */
export interface PseudoTlsCheck {
  tshark: TsharkInfo;
  capture: string;
  /** The options the pass gave tshark besides its fields: the same dissection. */
  options: readonly string[];
  rereadable: boolean;
  /** The pass's record index of the capture, when it made one. */
  index?: CaptureIndex;
  /** For each flow with a pseudo-TLS hello, its frames with TCP payload from the ServerHello on (TlsCollector). */
  framesAfterHello: ReadonlyMap<string, readonly number[]>;
  signal?: AbortSignal;
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
  check: PseudoTlsCheck,
  turnServers: ReadonlySet<string>,
): Promise<void> {
  const candidates = handshakes.filter((h) => h.pseudoTls);
  if (candidates.length === 0) return;
  if (!check.rereadable) {
    for (const h of candidates)
      h.pseudoTls!.reason += '; the STUN inside was not checked (the capture was read from a pipe)';
    return;
  }
  const index = check.index ?? (await indexCapture(check.capture).catch(() => undefined));
  const found = index
    ? await stunFramesInSubset(candidates, check, index)
    : await stunFramesInCapture(candidates, check);
  if (check.signal?.aborted || found.exit.cancelled) throw new AnalysisCancelled();
  if (found.exit.exitCode !== 0 || found.exit.failed) {
    for (const h of candidates)
      h.pseudoTls!.reason += `; the STUN inside could not be checked (tshark: ${found.exit.stderr.split('\n')[0] ?? 'failed'})`;
    return;
  }
  const stunFrames = groupBy(found.matches, (m) => m.flowId);
  const endpoint = (h: TlsHandshake) => `${h.server.ip}|${h.server.port}`;
  const confirmedServers = new Set(candidates.filter((h) => stunFrames.has(h.flowId)).map(endpoint));
  for (const h of candidates) {
    const frames = (stunFrames.get(h.flowId) ?? []).map((m) => m.frame);
    if (frames.length) {
      h.pseudoTls!.stunFrames = frames;
      h.pseudoTls!.reason += `; ${count(frames.length, 'record')} after it carry STUN/TURN in clear (magic cookie 0x2112A442 at byte 8)`;
    } else if (confirmedServers.has(endpoint(h))) {
      // A connection closed right after the handshake, beside others to the same server that do carry TURN.
      h.pseudoTls!.reason +=
        '; no record follows it, but other connections to the same server carry STUN/TURN in clear';
    } else if (turnServers.has(h.server.ip)) {
      h.pseudoTls!.reason += '; no record follows it, but the same address serves TURN over UDP in this capture';
    } else {
      delete h.pseudoTls;
    }
  }
}

interface StunFramesFound {
  exit: TsharkExit;
  /** The frames that carry STUN, ascending. */
  matches: { frame: number; flowId: string }[];
}

/**
 * tshark reads only the candidate flows' frames after their hellos, cut out of the capture through its record
 * index: a call relayed over TCP is a few thousand frames of a capture that can hold a million. The cookie test
 * reads each segment's own payload, which the frames around it do not change.
 */
async function stunFramesInSubset(
  candidates: readonly TlsHandshake[],
  check: PseudoTlsCheck,
  index: CaptureIndex,
): Promise<StunFramesFound> {
  const { frames, flows } = mergeFrames([...new Set(candidates.map((h) => h.flowId))], check.framesAfterHello);
  const matches: StunFramesFound['matches'] = [];
  const input = readRanges(check.capture, subsetRanges(index, frames));
  const args = [...check.options, '-Y', MS_TURN_TCP_COOKIE_FILTER, '-T', 'fields', '-e', 'frame.number'];
  const exit = await startTshark(
    check.tshark,
    input,
    args,
    (line) => {
      const position = Number(line) - 1; // frame n of the subset is the n-th frame given
      if (frames[position] !== undefined) matches.push({ frame: frames[position]!, flowId: flows[position]! });
    },
    check.signal,
  ).done;
  return { exit, matches };
}

/** A capture the record index does not cut (compressed, several pcapng sections): tshark reads it whole, filtered to the candidates' streams. */
async function stunFramesInCapture(
  candidates: readonly TlsHandshake[],
  check: PseudoTlsCheck,
): Promise<StunFramesFound> {
  const matches: StunFramesFound['matches'] = [];
  const filter = `(${streamFilter(candidates)}) && ${MS_TURN_TCP_COOKIE_FILTER}`;
  const args = [...check.options, '-Y', filter, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream'];
  const exit = await startTshark(
    check.tshark,
    check.capture,
    args,
    (line) => {
      const [frame, stream] = line.split('\t');
      if (frame && stream) matches.push({ frame: Number(frame), flowId: `tcp:${stream}` });
    },
    check.signal,
  ).done;
  return { exit, matches };
}

/** The flows' frames in one ascending list, with the flow of each beside it (each flow's list is ascending: a merge). */
function mergeFrames(
  flowIds: readonly string[],
  framesOf: ReadonlyMap<string, readonly number[]>,
): { frames: number[]; flows: string[] } {
  const lists = flowIds.map((flowId) => ({ flowId, frames: framesOf.get(flowId) ?? [], next: 0 }));
  const frames: number[] = [];
  const flows: string[] = [];
  for (;;) {
    let lowest: (typeof lists)[number] | undefined;
    for (const list of lists)
      if (list.next < list.frames.length && (!lowest || list.frames[list.next]! < lowest.frames[lowest.next]!))
        lowest = list;
    if (!lowest) return { frames, flows };
    frames.push(lowest.frames[lowest.next++]!);
    flows.push(lowest.flowId);
  }
}
