import type {
  AddressRole,
  CallQuality,
  MediaStream,
  RtcpReport,
  StreamQuality,
  StunMessage,
} from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import type { QualityPackets, StreamPackets } from '../model/quality-packets.js';
import { mediaPath } from './path.js';
import { stunRoundTrips, tcpRoundTrips } from './round-trips.js';
import { analyseStream } from './stream.js';
import {
  EXPECTED_DSCP,
  NETWORK_REQUIREMENTS,
  CQD_STREAM_CLASSIFICATION,
  judgeStream,
  thresholdText,
} from './thresholds.js';

/** Series bins: one second, wider for long captures so a stream keeps at most ~600 points. */
const MAX_BINS = 600;

export interface QualityInputs {
  packets: QualityPackets;
  /** Epoch seconds of the capture's first packet. */
  captureStart: number;
  durationSec: number;
  media: readonly MediaStream[];
  rtcp: readonly RtcpReport[];
  stun: readonly StunMessage[];
  addresses: readonly AddressRole[];
  relays: readonly { ip: string; port: number }[];
}

export const QUALITY_METHOD =
  'A network-side estimate from this capture alone: loss, jitter, gaps and windows are measured from the RTP packets as they reached the capture point (before FEC, retransmission and the jitter buffer), round trips from STUN transactions and TCP handshakes. ' +
  `Streams are judged against the Call Quality Dashboard's poor-stream thresholds (${CQD_STREAM_CLASSIFICATION}) and windows against the network targets (${NETWORK_REQUIREMENTS}); ` +
  "the dashboard itself uses the endpoints' own reports, which a capture does not have. As its classifier does, only a received stream gets a verdict, and audio only over 500 packets: outbound streams are seen before the network, and what the far end received cannot be told from here.";

/** The call's quality: every RTP stream measured and judged, and the round trips the capture shows. Undefined without media or round trips. */
export function analyseCallQuality(inputs: QualityInputs): CallQuality | undefined {
  const clients = new Set(inputs.addresses.filter((a) => a.role === 'client').map((a) => a.ip));
  const relays = new Set(inputs.relays.map((r) => formatEndpoint(r)));
  const labels = new Map(inputs.addresses.map((a) => [a.ip, `${a.names[0] ?? a.ip} (${a.role})`]));
  const roundTrips = [
    ...stunRoundTrips(inputs.stun, clients, relays),
    ...tcpRoundTrips(inputs.packets.handshakes, clients, (ip) => labels.get(ip)),
  ];
  if (inputs.packets.streams.length === 0 && roundTrips.length === 0) return undefined;

  const binSeconds = Math.max(1, Math.ceil(inputs.durationSec / MAX_BINS));
  const mediaOf = new Map(
    inputs.media.filter((m) => m.ssrc).map((m) => [`${m.flowId}/${formatEndpoint(m.source!)}/${m.ssrc}`, m]),
  );
  const measured = inputs.packets.streams.map((packets) =>
    streamQuality(
      packets,
      mediaOf.get(`${packets.flowId}/${formatEndpoint(packets.source)}/${packets.ssrc}`),
      inputs,
      roundTrips,
      binSeconds,
    ),
  );
  const streams = measured.map((stream) => {
    const main = mainStreamBeside(stream, measured);
    return main
      ? { ...stream, auxiliaryTo: main.ssrc, verdict: 'not-judged' as const, crossed: [] }
      : { ...stream, ...judgeStream(stream) };
  });

  const judged = streams.filter((s) => s.verdict !== 'not-judged');
  const poor = streams.filter((s) => s.verdict === 'poor');
  const verdict = poor.length ? 'poor' : judged.length ? 'good' : 'unknown';
  const reason =
    verdict === 'poor'
      ? poor
          .map((s) => `${describeStream(s)}: ${s.crossed.map((c) => thresholdText(c, 'poor: ')).join(', ')}`)
          .join('; ')
      : verdict === 'good'
        ? `${judged.length} stream(s) within Microsoft's poor-stream thresholds${streams.some((s) => s.targetsMissed.length) ? ', though some windows miss the network targets' : ''}`
        : streams.length
          ? `no stream could be judged: ${[...new Set(streams.map((s) => s.notJudgedBecause ?? 'repair data or a second layer beside a main stream'))].join('; ')}`
          : 'no RTP media in the capture';
  return { verdict, reason, method: QUALITY_METHOD, binSeconds, streams, roundTrips, rtcp: rtcpSummary(inputs.rtcp) };
}

function streamQuality(
  packets: StreamPackets,
  media: MediaStream | undefined,
  inputs: QualityInputs,
  roundTrips: CallQuality['roundTrips'],
  binSeconds: number,
): StreamQuality {
  const statistics = analyseStream(packets, inputs.captureStart, binSeconds);
  const kind = media?.kind ?? 'unknown';
  const direction =
    media?.direction === 'inbound' || media?.direction === 'outbound' ? media.direction : 'between-others';
  const remote = direction === 'inbound' ? packets.source : packets.destination;
  const stream: StreamQuality = {
    ssrc: packets.ssrc,
    flowId: packets.flowId,
    source: packets.source,
    destination: packets.destination,
    kind,
    direction,
    path: mediaPath({ transport: packets.transport, relayed: media?.path === 'relay', remotePort: remote.port }),
    firstFrame: packets.frames[0]!,
    ...statistics,
    dscp: [...packets.dscp.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([value, count]) => ({ value, name: dscpName(value), packets: count })),
    verdict: 'not-judged',
    crossed: [],
    targetsMissed: [],
    filter: `rtp.ssrc == ${packets.ssrc}`,
  };
  if (kind !== 'unknown') stream.expectedDscp = EXPECTED_DSCP[kind];
  const roundTrip = roundTripTo(remote, roundTrips);
  if (roundTrip !== undefined) stream.roundTripMs = roundTrip;
  const feedback = receiverReports(packets.ssrc, stream.clock.rate, inputs.rtcp);
  if (feedback) stream.receiverReports = feedback;
  return { ...stream, targetsMissed: judgeStream(stream).targetsMissed };
}

/** Repair data or a second layer rides beside a main stream: same flow, sender and kind, a tenth of its packets or fewer. */
const AUXILIARY_SHARE = 0.1;

function mainStreamBeside(stream: StreamQuality, all: readonly StreamQuality[]): StreamQuality | undefined {
  return all.find(
    (other) =>
      other !== stream &&
      other.kind === stream.kind &&
      other.flowId === stream.flowId &&
      formatEndpoint(other.source) === formatEndpoint(stream.source) &&
      stream.packets <= other.packets * AUXILIARY_SHARE,
  );
}

/** The median STUN round trip to the stream's far end (the relay or the peer): the exact endpoint first, else its address. */
function roundTripTo(remote: { ip: string; port?: number }, roundTrips: CallQuality['roundTrips']): number | undefined {
  const stun = roundTrips.filter((r) => r.method === 'stun');
  const match =
    stun.find((r) => r.to.ip === remote.ip && r.to.port === remote.port) ?? stun.find((r) => r.to.ip === remote.ip);
  return match?.medianMs;
}

/** Clear RTCP receiver reports about one stream: how many, the worst fraction lost, the latest jitter in ms. */
function receiverReports(
  ssrc: string,
  clockRate: number | undefined,
  rtcp: readonly RtcpReport[],
): StreamQuality['receiverReports'] {
  const blocks = rtcp.flatMap((r) =>
    r.blocks.filter((b) => b.ssrc === ssrc).map((block) => ({ frame: r.frame, block })),
  );
  if (blocks.length === 0) return undefined;
  const feedback: NonNullable<StreamQuality['receiverReports']> = {
    reports: blocks.length,
    fractionLostMax: Math.max(...blocks.map((b) => b.block.fractionLost ?? 0)),
    frames: blocks.slice(0, 20).map((b) => b.frame),
  };
  const jitter = blocks.at(-1)!.block.jitter;
  if (jitter !== undefined && clockRate) feedback.jitterMs = Math.round((jitter / clockRate) * 10000) / 10;
  return feedback;
}

function rtcpSummary(rtcp: readonly RtcpReport[]): CallQuality['rtcp'] {
  const readableBlocks = rtcp.reduce((sum, r) => sum + r.blocks.length, 0);
  const unreadableBlocks = rtcp.reduce((sum, r) => sum + (r.unreadableBlocks ?? 0), 0);
  const note =
    rtcp.length === 0
      ? 'No RTCP in the capture.'
      : unreadableBlocks > 0 && readableBlocks === 0
        ? "SRTCP (RFC 3711) encrypts everything after the sender's SSRC: the receivers' own reports of loss and jitter cannot be read from the capture, so the figures here come from the RTP packets alone."
        : `Receiver reports in clear: ${readableBlocks} report block(s), compared with what the capture shows per stream${unreadableBlocks ? `; ${unreadableBlocks} more are encrypted (SRTCP)` : ''}.`;
  const summary: CallQuality['rtcp'] = { packets: rtcp.length, readableBlocks, unreadableBlocks, note };
  if (rtcp.length) summary.frames = rtcp.slice(0, 20).map((r) => r.frame);
  return summary;
}

/** Standard DSCP names (RFC 2474, 2597, 3246, 5865, 8622). */
function dscpName(value: number): string | undefined {
  if (value === 46) return 'EF';
  if (value === 44) return 'VOICE-ADMIT';
  if (value === 0) return 'CS0 (best effort)';
  if (value === 1) return 'LE';
  if (value % 8 === 0) return `CS${value / 8}`;
  const [precedence, drop] = [value >> 3, (value & 7) >> 1];
  return value % 2 === 0 && precedence <= 4 && drop >= 1 && drop <= 3 ? `AF${precedence}${drop}` : undefined;
}

export function describeStream(s: Pick<StreamQuality, 'direction' | 'kind' | 'ssrc'>): string {
  const direction = s.direction === 'between-others' ? '' : `${s.direction} `;
  return `${direction}${s.kind === 'unknown' ? 'media' : s.kind} ${s.ssrc}`;
}
