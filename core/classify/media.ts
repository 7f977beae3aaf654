import { maxOf } from '../util/collections.js';
import type { CallSummary, Endpoint, MediaStream, RtcpReport, RtpStream } from '../schema/generated/report.js';
import type { ModelFlow } from '../model/flows.js';
import { formatEndpoint } from '../model/addressing.js';
import { isLocalAddress } from './addresses.js';

/** RTP clock rates (RFC 3551 and codec RFCs): audio runs at its sampling rate, video at 90 kHz. */
const AUDIO_CLOCKS = [8000, 16000, 24000, 32000, 44100, 48000];
const VIDEO_CLOCK = 90000;
const CLOCK_TOLERANCE = 0.08;

/** Teams client media ports when QoS port ranges are configured (Microsoft's Teams QoS guidance). */
export const CLIENT_PORT_ROLES = [
  { from: 50000, to: 50019, role: 'audio' },
  { from: 50020, to: 50039, role: 'video' },
  { from: 50040, to: 50059, role: 'screen-sharing' },
] as const;
export const SHARING_RELAY_PORT = 3481;

/** Too few packets say nothing about a stream's nature. */
const MINIMUM_PACKETS = 20;
/** Undecodable relay traffic counts as media from this sustained rate on (audio alone runs at ~50 pkt/s). */
const RELAYED_MEDIA_PPS = 15;
const RELAYED_MEDIA_SECONDS = 3;

export interface MediaInputs {
  streams: RtpStream[];
  rtcp: RtcpReport[];
  flows: Map<string, ModelFlow>;
  clients: Set<string>;
  relays: Map<string, number[]>;
  relayNames: (ip: string) => string[];
}

export function classifyMedia(inputs: MediaInputs): MediaStream[] {
  const media = inputs.streams.map((stream) => rtpMedia(stream, inputs));
  const flowsWithRtp = new Set(inputs.streams.map((s) => s.flowId));
  for (const flow of inputs.flows.values()) {
    if (flow.transport !== 'udp' || flowsWithRtp.has(flow.id) || !inputs.relays.has(flow.server.ip)) continue;
    const duration = flow.end - flow.start;
    const pps = perSecond(flow.packets, duration);
    if (duration < RELAYED_MEDIA_SECONDS || pps < RELAYED_MEDIA_PPS) continue;
    media.push({
      flowId: flow.id,
      kind: 'unknown',
      confidence: 'medium',
      reason: `${round(pps)} pkt/s with TURN relay ${formatEndpoint(flow.server)} for ${round(duration)} s: media relayed inside TURN, which tshark cannot decode as RTP`,
      packets: flow.packets,
      bytes: flow.bytes,
      durationSec: round(duration),
      pps: round(pps),
      kbps: round(perSecond(flow.bytes * 8, duration) / 1000),
      direction: 'both',
      source: flow.client,
      destination: flow.server,
      path: 'relay',
      relay: flow.server,
      relayNames: inputs.relayNames(flow.server.ip),
      firstFrame: flow.firstFrame,
      filter: flow.filter,
    });
  }
  return media;
}

function rtpMedia(stream: RtpStream, inputs: MediaInputs): MediaStream {
  const duration = Math.max(stream.end - stream.start, 0);
  const pps = perSecond(stream.packets, duration);
  const kbps = perSecond(stream.bytes * 8, duration) / 1000;
  const clientSide = inputs.clients.has(stream.source.ip)
    ? stream.source
    : inputs.clients.has(stream.destination.ip)
      ? stream.destination
      : undefined;
  const remote = clientSide === stream.source ? stream.destination : stream.source;
  const { kind, confidence, reason } = mediaKind(stream, pps, kbps, clientSide, remote);
  const media: MediaStream = {
    flowId: stream.flowId,
    ssrc: stream.ssrc,
    payloadTypes: stream.payloadTypes.map((pt) => pt.code),
    kind,
    confidence,
    reason,
    packets: stream.packets,
    bytes: stream.bytes,
    durationSec: round(duration),
    pps: round(pps),
    kbps: round(kbps),
    direction: !clientSide ? 'between-others' : clientSide === stream.source ? 'outbound' : 'inbound',
    source: stream.source,
    destination: stream.destination,
    path: 'p2p',
    firstFrame: stream.firstFrame,
    filter: stream.filter,
  };
  const relay = [stream.source, stream.destination].find((e) => inputs.relays.has(e.ip));
  if (relay) {
    media.path = 'relay';
    media.relay = relay;
    media.relayNames = inputs.relayNames(relay.ip);
  } else if (isLocalAddress(stream.source.ip) && isLocalAddress(stream.destination.ip)) {
    media.path = 'p2p-lan';
  }
  const feedback = receiverFeedback(stream, inputs.rtcp);
  if (feedback) media.rtcp = feedback;
  return media;
}

/** The receiver's RTCP report blocks about this stream: worst loss, latest jitter. */
function receiverFeedback(stream: RtpStream, rtcp: RtcpReport[]): MediaStream['rtcp'] {
  const reports = rtcp.flatMap((r) =>
    r.blocks.filter((b) => b.ssrc === stream.ssrc).map((block) => ({ frame: r.frame, block })),
  );
  if (reports.length === 0) return undefined;
  const feedback: NonNullable<MediaStream['rtcp']> = {
    reports: reports.length,
    frames: reports.slice(0, 20).map((r) => r.frame),
    fractionLostMax: maxOf(reports.map((r) => r.block.fractionLost ?? 0)),
  };
  const jitter = reports.at(-1)!.block.jitter;
  if (jitter !== undefined && stream.clockRate) feedback.jitterMs = round((jitter / stream.clockRate) * 1000);
  return feedback;
}

function near(value: number, target: number): boolean {
  return Math.abs(value - target) <= target * CLOCK_TOLERANCE;
}

function portRole(endpoint: Endpoint | undefined): string | undefined {
  const port = endpoint?.port;
  if (port === undefined) return undefined;
  return CLIENT_PORT_ROLES.find((r) => port >= r.from && port <= r.to)?.role;
}

/**
 * Audio or video from what the stream does: the RTP clock (audio at its sampling rate, video at 90 kHz),
 * frames split across packets (video), packet rate and size. The Teams QoS port ranges and the relay's
 * sharing port only tell screen sharing from camera video, which look alike on the wire.
 */
function mediaKind(
  stream: RtpStream,
  pps: number,
  kbps: number,
  clientSide: Endpoint | undefined,
  remote: Endpoint,
): Pick<MediaStream, 'kind' | 'confidence' | 'reason'> {
  const pts = stream.payloadTypes.map((p) => usualCodec(p.code)).join('/');
  const shape = `PT ${pts}, ${round(pps)} pkt/s, ${round(kbps)} kbit/s with all headers, ${stream.frameBytes.mean} B average frame`;
  if (stream.packets < MINIMUM_PACKETS) {
    const span = round(stream.end - stream.start);
    return {
      kind: 'unknown',
      confidence: 'low',
      reason: `only ${stream.packets} packets over ${span} s (${shape}): too few for the rates to say what the stream is`,
    };
  }
  const splitFrames = stream.repeatedTimestampPackets / stream.packets;
  const clock = stream.clockRate;
  const role = portRole(clientSide);
  const portNote = role ? `; client port ${clientSide!.port} is in Teams' ${role} range` : '';

  let videoLike: string | undefined;
  if (clock !== undefined && near(clock, VIDEO_CLOCK)) {
    videoLike = `measured RTP clock ${round(clock / 1000)} kHz (video's 90 kHz)`;
  } else if (clock !== undefined) {
    // The nearest of the clocks within tolerance: 47.6 kHz is 48 kHz measured over a short, jittery leg, not 44.1.
    const audioClock = AUDIO_CLOCKS.filter((c) => near(clock, c)).sort(
      (a, b) => Math.abs(clock - a) - Math.abs(clock - b),
    )[0];
    if (audioClock)
      return {
        kind: 'audio',
        confidence: 'high',
        reason: `measured RTP clock ${round(clock / 1000)} kHz (an audio clock: ${audioClock / 1000} kHz), ${shape}${portNote}`,
      };
  } else if (splitFrames > 0.15) {
    videoLike = `${Math.round(splitFrames * 100)} % of packets continue a frame (video)`;
  } else if (stream.frameBytes.mean < 300 && pps >= 20 && pps <= 60 && stream.repeatedTimestampPackets === 0) {
    return {
      kind: 'audio',
      confidence: 'medium',
      reason: `steady small packets, one per timestamp: ${shape}${portNote}`,
    };
  }
  if (!videoLike)
    return {
      kind: 'unknown',
      confidence: 'low',
      reason: `neither an audio nor a video pattern (${clock ? `clock ${clock} Hz, ` : ''}${shape})`,
    };
  if (role === 'screen-sharing' || remote.port === SHARING_RELAY_PORT) {
    const why =
      role === 'screen-sharing' ? portNote.slice(2) : `relay port ${SHARING_RELAY_PORT} carries screen sharing`;
    return { kind: 'screen-sharing', confidence: 'medium', reason: `${videoLike}, ${shape}; ${why}` };
  }
  return {
    kind: 'video',
    confidence: clock !== undefined ? 'high' : 'medium',
    reason: `${videoLike}, ${Math.round(splitFrames * 100)} % of packets continue a frame, ${shape}${portNote}`,
  };
}

/** The call's path is the path most of its media packets took. */
export function summarizeCall(media: MediaStream[]): CallSummary | undefined {
  if (media.length === 0) return undefined;
  const packetsByPath = new Map<MediaStream['path'], number>();
  for (const m of media) packetsByPath.set(m.path, (packetsByPath.get(m.path) ?? 0) + m.packets);
  const ranked = [...packetsByPath.entries()].sort((a, b) => b[1] - a[1]);
  const total = media.reduce((sum, m) => sum + m.packets, 0);
  const relays = [...new Map(media.filter((m) => m.relay).map((m) => [formatEndpoint(m.relay!), m.relay!])).values()];
  const describe = ([path, packets]: [string, number]) =>
    `${PATH_WORDS[path as MediaStream['path']]} (${Math.round((packets / total) * 100)} % of media packets)`;
  const summary: CallSummary = {
    path: ranked.length === 1 ? ranked[0]![0] : 'mixed',
    reason: ranked.map(describe).join('; '),
    mediaFlows: [...new Set(media.map((m) => m.flowId))],
  };
  if (relays.length) summary.relays = relays;
  return summary;
}

export const PATH_WORDS: Record<MediaStream['path'], string> = {
  'p2p-lan': 'directly between two hosts of the same LAN',
  p2p: 'directly between the peers across the Internet (NAT traversal)',
  relay: 'through a Microsoft media relay (TURN)',
};

/**
 * Dynamic payload types as Microsoft's clients usually map them in their SDP offers ([MS-SDPEXT], [MS-RTPRAD]
 * §4 examples) — the usual mapping, not what this call signalled (its SDP is encrypted).
 */
const MICROSOFT_PAYLOAD_TYPES: ReadonlyMap<number, string> = new Map([
  [0, 'PCMU'],
  [8, 'PCMA'],
  [9, 'G722'],
  [13, 'CN'],
  [97, 'RED'],
  [101, 'telephone-event'],
  [103, 'SILK/8000'],
  [104, 'SILK/16000'],
  [111, 'SIREN'],
  [112, 'G7221'],
  [114, 'x-msrta/16000'],
  [115, 'x-msrta/8000'],
  [116, 'AAL2-G726-32'],
  [117, 'G722/8000/2'],
  [118, 'CN/16000'],
  [119, 'CN/24000'],
]);

function usualCodec(pt: number): string {
  const codec = MICROSOFT_PAYLOAD_TYPES.get(pt);
  return codec ? `${pt} (usually ${codec})` : String(pt);
}

/**
 * A rate over the time the packets actually span: a stream of 0.35 s is not stretched to a second (18 packets
 * in 0.35 s are 51 pkt/s, not 18). A single instant has no rate: 0.
 */
function perSecond(amount: number, seconds: number): number {
  return seconds > 0 ? amount / seconds : 0;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
