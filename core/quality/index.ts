import { maxOf, minOf } from '../util/collections.js';
import type {
  AddressRole,
  CallQuality,
  MediaStream,
  RtcpReport,
  StreamQuality,
  StunMessage,
} from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import type { QualityPackets, RtcpSender, StreamPackets } from '../model/quality-packets.js';
import { addressFilter, flowsFilter, sendersFilter } from '../util/display-filter.js';
import { count } from '../util/plural.js';
import { relativeTime } from '../model/collector.js';
import { mediaPath } from './path.js';
import { stunRoundTrips, tcpRoundTrips } from './round-trips.js';
import { analyseStream } from './stream.js';
import {
  EXPECTED_DSCP,
  NETWORK_REQUIREMENTS,
  CQD_STREAM_CLASSIFICATION,
  crossedText,
  judgeStream,
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
  const rtcpSenders = inputs.packets.rtcpSenders;
  // RTCP tshark decoded without RTP is told in the RTCP list; RTCP only the bytes showed is told here.
  const rtcpReadByBytes = rtcpSenders.some((s) => s.packets > s.decoded);
  if (inputs.packets.streams.length === 0 && roundTrips.length === 0 && !rtcpReadByBytes) return undefined;

  const binSeconds = Math.max(1, Math.ceil(inputs.durationSec / MAX_BINS));
  const mediaOf = new Map(
    inputs.media.filter((m) => m.ssrc).map((m) => [`${m.flowId}/${formatEndpoint(m.source!)}/${m.ssrc}`, m]),
  );
  // The media classifier knows the legs tshark decoded: the main leg first, else any other.
  const mediaOfStream = (packets: StreamPackets) =>
    [packets, ...packets.legs]
      .map((leg) => mediaOf.get(`${leg.flowId}/${formatEndpoint(leg.source)}/${packets.ssrc}`))
      .find((media) => media !== undefined);
  const measured = inputs.packets.streams.map((packets) =>
    streamQuality(packets, mediaOfStream(packets), inputs, roundTrips, binSeconds),
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
      ? poor.map((s) => `${describeStream(s)}: ${s.crossed.map(crossedText).join(', ')}`).join('; ')
      : verdict === 'good'
        ? `${judged.length} stream(s) within Microsoft's poor-stream thresholds${streams.some((s) => s.targetsMissed.length) ? ', though some windows miss the network targets' : ''}`
        : streams.length
          ? `no stream could be judged: ${[...new Set(streams.map((s) => s.notJudgedBecause ?? 'repair data or a second layer beside a main stream'))].join('; ')}`
          : 'no RTP media in the capture';
  const quality: CallQuality = {
    verdict,
    reason,
    method: QUALITY_METHOD,
    binSeconds,
    streams,
    roundTrips,
    rtcp: rtcpSummary(inputs.rtcp, rtcpSenders),
  };
  const server = mediaServer(streams, rtcpSenders, clients);
  if (server) quality.mediaServer = server;
  return quality;
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
    filter:
      packets.decoded === packets.frames.length && packets.repeatedAcrossLegs === 0
        ? `rtp.ssrc == ${packets.ssrc}`
        : sendersFilter(packets.legs),
  };
  if (packets.legs.length > 1)
    stream.legs = packets.legs.map(({ transport: _transport, start, end, ...leg }) => ({
      ...leg,
      start: relativeTime(start, inputs.captureStart),
      end: relativeTime(end, inputs.captureStart),
    }));
  if (packets.repeatedAcrossLegs) stream.repeatedAcrossLegs = packets.repeatedAcrossLegs;
  // A cut datagram has no SSRC to tell: it may be this stream's if it went to the same receiver on any leg.
  const cut = inputs.packets.cutShort.filter((c) =>
    packets.legs.some((leg) => formatEndpoint(leg.destination) === formatEndpoint(c.destination)),
  );
  if (cut.length)
    stream.lossNotMeasured = `${count(
      cut.reduce((sum, c) => sum + c.packets, 0),
      'datagram',
    )} to its receiver were cut by the capture's snap length before their RTP header (first frame ${minOf(cut.map((c) => c.firstFrame))}), so what is missing cannot be told from what was not captured`;
  const readByBytes = packets.frames.length - packets.decoded;
  if (readByBytes > 0) stream.readByBytes = readByBytes;
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
    fractionLostMax: maxOf(blocks.map((b) => b.block.fractionLost ?? 0)),
    frames: blocks.slice(0, 20).map((b) => b.frame),
  };
  const jitter = blocks.at(-1)!.block.jitter;
  if (jitter !== undefined && clockRate) feedback.jitterMs = Math.round((jitter / clockRate) * 10000) / 10;
  return feedback;
}

/**
 * RTCP: tshark's decoded reports (their blocks read in clear or not), and the packets only the media-plane reader
 * read, counted by their clear header per sender SSRC.
 */
function rtcpSummary(rtcp: readonly RtcpReport[], senders: readonly RtcpSender[]): CallQuality['rtcp'] {
  const readableBlocks = rtcp.reduce((sum, r) => sum + r.blocks.length, 0);
  const unreadableBlocks = rtcp.reduce((sum, r) => sum + (r.unreadableBlocks ?? 0), 0);
  const readByBytes = senders.reduce((sum, s) => sum + s.packets - s.decoded, 0);
  const byBytesText = readByBytes
    ? ` ${readByBytes} RTCP packet(s) tshark does not decode (inside a relay framing or on a port its heuristics skip) were read by their clear header, from ${count(new Set(senders.map((s) => s.ssrc)).size, 'sender SSRC')}.`
    : '';
  const note =
    (rtcp.length === 0 && readByBytes === 0
      ? 'No RTCP in the capture.'
      : rtcp.length === 0
        ? 'RTCP packets whose report blocks tshark did not decode: only their senders are known.'
        : unreadableBlocks > 0 && readableBlocks === 0
          ? "SRTCP (RFC 3711) encrypts everything after the sender's SSRC: the receivers' own reports of loss and jitter cannot be read from the capture, so the figures here come from the RTP packets alone."
          : `Receiver reports in clear: ${readableBlocks} report block(s), compared with what the capture shows per stream${unreadableBlocks ? `; ${unreadableBlocks} more are encrypted (SRTCP)` : ''}.`) +
    byBytesText;
  const summary: CallQuality['rtcp'] = { packets: rtcp.length + readByBytes, readableBlocks, unreadableBlocks, note };
  const frames = [...rtcp.map((r) => r.frame), ...senders.map((s) => s.firstFrame)];
  if (frames.length) summary.frames = [...new Set(frames)].sort((a, b) => a - b).slice(0, 20);
  if (readByBytes) {
    summary.readByBytes = readByBytes;
    summary.senders = senders.map(({ decoded: _decoded, ...sender }) => sender);
  }
  return summary;
}

/**
 * More sender SSRCs than one endpoint sends (audio, video, screen sharing and their repair streams) from one remote
 * address that also sends RTCP: the media of several participants mixed or forwarded by a media server (RFC 7667
 * §3.6–3.7, MCU and SFU topologies), not one peer.
 */
const MEDIA_SERVER_SSRCS = 6;
/** RTCP packets from a sender SSRC that make it a stream's sender (RFC 3550 §6.2: every few seconds while sending). */
const MEDIA_SERVER_REPORTS = 2;

function mediaServer(
  streams: readonly StreamQuality[],
  senders: readonly RtcpSender[],
  clients: ReadonlySet<string>,
): CallQuality['mediaServer'] {
  // A sender that reports again and again: one RTCP packet alone may be a receiver's fresh SSRC, not a stream.
  const reporting = senders.filter((s) => s.packets >= MEDIA_SERVER_REPORTS);
  const candidates = [...new Set(reporting.map((s) => s.source.ip))].filter((ip) => !clients.has(ip));
  const servers = candidates.map((ip) => {
    const rtcp = reporting.filter((s) => s.source.ip === ip);
    const ssrcs = new Set([
      ...rtcp.map((s) => s.ssrc),
      ...streams.filter((s) => s.source.ip === ip).map((s) => s.ssrc),
    ]);
    return { ip, rtcp, ssrcs };
  });
  const server = servers
    .filter((s) => s.ssrcs.size >= MEDIA_SERVER_SSRCS)
    .sort((a, b) => b.ssrcs.size - a.ssrcs.size)[0];
  if (!server) return undefined;
  return {
    ip: server.ip,
    senderSsrcs: server.ssrcs.size,
    rtcpPackets: server.rtcp.reduce((sum, s) => sum + s.packets, 0),
    frames: [...new Set(server.rtcp.map((s) => s.firstFrame))].sort((a, b) => a - b).slice(0, 20),
    filter: `(${flowsFilter(server.rtcp.map((s) => s.flowId))}) && ${addressFilter(server.ip, 'src')}`,
  };
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
