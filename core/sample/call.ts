import type { Endpoint } from './capture.js';
import { rtcpCompound, rtpPacket, type ReportBlock } from './rtp.js';
import type { Session } from './session.js';
import { STUN_ATTRIBUTE } from '../model/stun-registry.js';
import {
  CLASS,
  METHOD,
  addressValue,
  channelData,
  msTurnData,
  errorCodeValue,
  longTermKey,
  stunMessage,
  type Attribute,
} from './stun.js';
import { uint16s, uint32 } from './bytes.js';
import { endpointText, type MediaKind } from './truth.js';
import { ImpairedPath, type Impairment } from './impairment.js';

/**
 * A Teams call on the wire: connectivity checks (STUN Binding with ICE attributes), relay allocations
 * (Microsoft's TURN dialect: MS-VERSION, MS-SERVICE-QUALITY, a 401 then an authenticated Allocate), and RTP
 * media with its RTCP reports. Sizes and rates follow the course captures: audio PT 108 at 50 packets/s,
 * video PT 122 at 90 kHz with frames split over packets.
 */

/** MS-TURN's MAGIC-COOKIE attribute value and MS-VERSION 6 (multiplexed TURN over UDP and TCP). */
const MS_TURN_COOKIE = 0x72c64bc6;
const MS_VERSION = 6;
const MS_APP_ID = 2;
const TURN_REALM = 'rtcmedia';
const RELAY_LIFETIME = 480;
/** [MS-TURNBWM] stream types. */
const STREAM_TYPE: Record<MediaKind, number> = { audio: 1, video: 2, 'screen-sharing': 4 };

export interface Peer {
  local: Endpoint;
  remote: Endpoint;
}

/**
 * A TURN allocation on a Teams relay: Binding (learns the public address), Allocate → 401 with realm and
 * nonce, the authenticated Allocate → success with the relayed and mapped addresses. Returns when done.
 */
export function allocateRelay(
  session: Session,
  time: number,
  local: Endpoint,
  relay: Endpoint,
  publicAddress: Endpoint,
  kind: MediaKind,
  rtt = 0.02,
): number {
  const { random, capture } = session;
  const send = (t: number, from: Endpoint, to: Endpoint, message: Buffer) => capture.udp(t, from, to, message, 'stun');
  let t = time;
  const binding = random.bytes(12);
  send(
    t,
    local,
    relay,
    stunMessage({
      method: METHOD.binding,
      class: CLASS.request,
      transactionId: binding,
      attributes: [],
      fingerprint: true,
    }),
  );
  send(
    (t += rtt),
    relay,
    local,
    stunMessage({
      method: METHOD.binding,
      class: CLASS.success,
      transactionId: binding,
      attributes: [[STUN_ATTRIBUTE.XOR_MAPPED_ADDRESS, addressValue(publicAddress.ip, publicAddress.port, binding)]],
      fingerprint: true,
    }),
  );

  const microsoft: Attribute[] = [
    [STUN_ATTRIBUTE.MS_MAGIC_COOKIE, uint32(MS_TURN_COOKIE)],
    [STUN_ATTRIBUTE.MS_APP_ID, uint32(MS_APP_ID)],
    [STUN_ATTRIBUTE.MS_VERSION, uint32(MS_VERSION)],
    [STUN_ATTRIBUTE.BANDWIDTH, uint32(kind === 'audio' ? 200 : 12000)],
    [STUN_ATTRIBUTE.MS_SERVICE_QUALITY, uint16s([STREAM_TYPE[kind], 0])],
  ];
  const first = random.bytes(12);
  send(
    (t += 0.001),
    local,
    relay,
    stunMessage({ method: METHOD.allocate, class: CLASS.request, transactionId: first, attributes: microsoft }),
  );
  const nonce = random.bytes(16).toString('hex');
  send(
    (t += rtt),
    relay,
    local,
    stunMessage({
      method: METHOD.allocate,
      class: CLASS.error,
      transactionId: first,
      attributes: [
        [STUN_ATTRIBUTE.MS_MAGIC_COOKIE, uint32(MS_TURN_COOKIE)],
        [STUN_ATTRIBUTE.MS_VERSION, uint32(MS_VERSION)],
        [STUN_ATTRIBUTE.ERROR_CODE, errorCodeValue(401, 'Unauthorized')],
        [STUN_ATTRIBUTE.REALM, Buffer.from(TURN_REALM)],
        [STUN_ATTRIBUTE.NONCE, Buffer.from(nonce)],
      ],
    }),
  );

  const username = random.bytes(24).toString('base64');
  const key = longTermKey(username, TURN_REALM, random.bytes(16).toString('base64'));
  const second = random.bytes(12);
  send(
    (t += 0.001),
    local,
    relay,
    stunMessage({
      method: METHOD.allocate,
      class: CLASS.request,
      transactionId: second,
      attributes: [
        ...microsoft,
        [STUN_ATTRIBUTE.USERNAME, Buffer.from(username)],
        [STUN_ATTRIBUTE.REALM, Buffer.from(TURN_REALM)],
        [STUN_ATTRIBUTE.NONCE, Buffer.from(nonce)],
      ],
      integrityKey: key,
    }),
  );
  const relayed: Endpoint = { ip: relay.ip, port: random.int(50000, 59999) };
  send(
    (t += rtt),
    relay,
    local,
    stunMessage({
      method: METHOD.allocate,
      class: CLASS.success,
      transactionId: second,
      attributes: [
        [STUN_ATTRIBUTE.MS_MAGIC_COOKIE, uint32(MS_TURN_COOKIE)],
        [STUN_ATTRIBUTE.LIFETIME, uint32(RELAY_LIFETIME)],
        // MS-TURN answers with the relayed address in MAPPED-ADDRESS and the client's in its XOR-MAPPED-ADDRESS.
        [STUN_ATTRIBUTE.MAPPED_ADDRESS, addressValue(relayed.ip, relayed.port)],
        [STUN_ATTRIBUTE.MS_VERSION, uint32(MS_VERSION)],
        [STUN_ATTRIBUTE.MS_XOR_MAPPED_ADDRESS, addressValue(publicAddress.ip, publicAddress.port, second)],
        [STUN_ATTRIBUTE.MS_SEQUENCE_NUMBER, Buffer.concat([random.bytes(20), uint32(1)])],
      ],
      integrityKey: key,
    }),
  );

  const truth = session.truth;
  truth.relays.add(endpointText(relay.ip, relay.port));
  truth.finding(`turn-allocation/${endpointText(relay.ip, relay.port)}`);
  if (publicAddress.ip !== local.ip) {
    truth.publicAddresses.add(publicAddress.ip);
    truth.finding(`nat-mapped-address/${publicAddress.ip}`);
  }
  return t;
}

/**
 * ICE connectivity checks between two candidates (MS-ICE2): Binding requests with USERNAME, PRIORITY,
 * ICE-CONTROLLING/CONTROLLED, MESSAGE-INTEGRITY and FINGERPRINT, both ways, each answered with the address
 * the other side saw (`seenAs`: the local side's public address when a NAT sits between).
 */
export function connectivityChecks(
  session: Session,
  time: number,
  { local, remote }: Peer,
  seenAs: Endpoint,
  rtt = 0.01,
): number {
  const { random, capture } = session;
  const localUfrag = random.bytes(3).toString('hex');
  const remoteUfrag = random.bytes(3).toString('hex');
  const password = Buffer.from(random.bytes(16).toString('base64'));
  const check = (t: number, from: Endpoint, to: Endpoint, controlling: boolean, mapped: Endpoint) => {
    const id = random.bytes(12);
    const username = controlling ? `${remoteUfrag}:${localUfrag}` : `${localUfrag}:${remoteUfrag}`;
    capture.udp(
      t,
      from,
      to,
      stunMessage({
        method: METHOD.binding,
        class: CLASS.request,
        transactionId: id,
        attributes: [
          [STUN_ATTRIBUTE.USERNAME, Buffer.from(username)],
          [controlling ? STUN_ATTRIBUTE.ICE_CONTROLLING : STUN_ATTRIBUTE.ICE_CONTROLLED, random.bytes(8)],
          [STUN_ATTRIBUTE.MS_IMPLEMENTATION_VERSION, uint32(2)],
          [STUN_ATTRIBUTE.PRIORITY, uint32(0x6e7f1eff)],
          [STUN_ATTRIBUTE.MS_APP_ID, uint32(MS_APP_ID)],
        ],
        integrityKey: password,
        fingerprint: true,
      }),
      'stun',
    );
    capture.udp(
      t + rtt,
      to,
      from,
      stunMessage({
        method: METHOD.binding,
        class: CLASS.success,
        transactionId: id,
        attributes: [
          [STUN_ATTRIBUTE.MS_IMPLEMENTATION_VERSION, uint32(2)],
          [STUN_ATTRIBUTE.XOR_MAPPED_ADDRESS, addressValue(mapped.ip, mapped.port, id)],
          [STUN_ATTRIBUTE.MS_APP_ID, uint32(MS_APP_ID)],
        ],
        integrityKey: password,
        fingerprint: true,
      }),
      'stun',
    );
  };
  check(time, local, remote, true, seenAs);
  check(time + 0.003, remote, local, false, remote);
  check(time + 0.05, local, remote, true, seenAs);
  if (seenAs.ip !== local.ip) {
    session.truth.publicAddresses.add(seenAs.ip);
    session.truth.finding(`nat-mapped-address/${seenAs.ip}`);
  }
  return time + 0.05 + rtt;
}

export interface StreamSpec {
  kind: MediaKind;
  from: Endpoint;
  to: Endpoint;
  start: number;
  duration: number;
  path: 'p2p-lan' | 'p2p' | 'relay';
  /** One-way delay jitter the arrival times show (inbound streams). */
  jitter?: number;
  /** How a relayed stream's datagrams are wrapped between client and relay; bare RTP without it. */
  wrapping?: RelayWrapping;
  /** A bad network between the sender and the capture (the bad-network scenarios); its ground truth goes in the truth file. */
  impairment?: Impairment;
  /** The stream's SSRC, first sequence number and RTP timestamp, where a scenario carries one stream on over another path. */
  continues?: { ssrc: number; sequence: number; timestamp: number };
}

/**
 * Relayed media inside a TURN channel bound to the peer (ChannelData, RFC 8656 §12), or inside MS-TURN Send requests
 * and Data indications naming the peer ([MS-TURN] §2.2.1) as Teams clients and relays exchange it.
 */
export type RelayWrapping =
  | { channel: number }
  | { msTurnPeer: Endpoint }
  /** Over the relay's TCP connection: each datagram handed to the scenario, which frames and sends it in time order. */
  | { overTcp: (time: number, from: Endpoint, datagram: Buffer, application: string) => void };

/**
 * Binds a TURN channel to the peer (RFC 8656 §11): ChannelBind with CHANNEL-NUMBER and XOR-PEER-ADDRESS,
 * answered with success. Returns when done.
 */
export function bindChannel(
  session: Session,
  time: number,
  local: Endpoint,
  relay: Endpoint,
  peer: Endpoint,
  channel: number,
  rtt = 0.02,
): number {
  const id = session.random.bytes(12);
  const number = Buffer.alloc(4);
  number.writeUInt16BE(channel, 0);
  session.capture.udp(
    time,
    local,
    relay,
    stunMessage({
      method: METHOD.channelBind,
      class: CLASS.request,
      transactionId: id,
      attributes: [
        [STUN_ATTRIBUTE.CHANNEL_NUMBER, number],
        [STUN_ATTRIBUTE.XOR_PEER_ADDRESS, addressValue(peer.ip, peer.port, id)],
      ],
      fingerprint: true,
    }),
    'stun',
  );
  session.capture.udp(
    time + rtt,
    relay,
    local,
    stunMessage({
      method: METHOD.channelBind,
      class: CLASS.success,
      transactionId: id,
      attributes: [],
      fingerprint: true,
    }),
    'stun',
  );
  return time + rtt;
}

const AUDIO = { payloadType: 108, clock: 48000, interval: 0.02, bytes: [70, 150] as const };
const VIDEO = { payloadType: 122, clock: 90000, fps: 30, keyframeEvery: 2, maxPayload: 1150 };
const SHARING = { payloadType: 122, clock: 90000, fps: 15, maxPayload: 1150 };
const RTCP_INTERVAL = 1;

/**
 * One RTP stream (one SSRC, one direction) with the sender's RTCP sender reports and the receiver's receiver
 * reports on the same ports (rtcp-mux). Returns the SSRC.
 */
export function mediaStream(session: Session, spec: StreamSpec): number {
  const { random, capture } = session;
  const ssrc = spec.continues?.ssrc ?? random.uint32();
  let sequence = spec.continues?.sequence ?? random.int(0, 0xffff);
  const firstTimestamp = spec.continues?.timestamp ?? random.uint32();
  const inbound = !capture.isClient(spec.from.ip);
  const dscp = 46;
  let packets = 0;
  let octets = 0;
  const impaired = spec.impairment && new ImpairedPath(random, spec.impairment, spec.start);
  const send = (t: number, timestamp: number, marker: boolean, payloadType: number, size: number) => {
    if (impaired) {
      const payload = random.bytes(size);
      const arrival = impaired.carry(t, sequence, timestamp, marker);
      const packet = rtpPacket(
        { payloadType, marker, sequence: sequence++, timestamp: (firstTimestamp + timestamp) >>> 0, ssrc },
        payload,
      );
      if (arrival !== undefined) datagram(arrival, spec.from, spec.to, packet, 'rtp', dscp);
      packets++;
      octets += size;
      return;
    }
    const arrival = inbound ? t + random.between(0, spec.jitter ?? 0.004) : t;
    const rtp = rtpPacket(
      { payloadType, marker, sequence: sequence++, timestamp: (firstTimestamp + timestamp) >>> 0, ssrc },
      random.bytes(size),
    );
    datagram(arrival, spec.from, spec.to, rtp, 'rtp', dscp);
    packets++;
    octets += size;
  };
  const datagram = (t: number, from: Endpoint, to: Endpoint, data: Buffer, application: string, dscp?: number) => {
    const wrapping = spec.wrapping;
    if (!wrapping) capture.udp(t, from, to, data, application, { dscp });
    else if ('overTcp' in wrapping) wrapping.overTcp(t, from, data, application);
    else if ('channel' in wrapping)
      capture.udp(t, from, to, channelData(wrapping.channel, data), `stun:${application}`, { dscp });
    else {
      const message = msTurnData(capture.isClient(from.ip), random.bytes(12), wrapping.msTurnPeer, data);
      // tshark reads past an unpadded DATA for its padding: the frame is malformed STUN, its RTP or RTCP unseen.
      const aligned = data.length % 4 === 0;
      capture.udp(t, from, to, message, aligned ? `stun:${application}` : 'stun', { dscp, malformed: !aligned });
    }
  };
  let nextReport = spec.start + random.between(0.5, RTCP_INTERVAL);
  const reported = { lost: 0, sent: 0 };
  const report = (t: number, clock: number) => {
    const block: ReportBlock = {
      ssrc,
      fractionLost: 0,
      cumulativeLost: 0,
      highestSequence: (sequence - 1) & 0xffff,
      jitter: Math.round(random.between(0, 0.003) * clock),
    };
    if (impaired) {
      // The receiver reports the losses the network caused since its last report (RFC 3550 §6.4.1).
      block.fractionLost = (impaired.lostSoFar - reported.lost) / Math.max(impaired.sentSoFar - reported.sent, 1);
      block.cumulativeLost = impaired.lostSoFar;
      reported.lost = impaired.lostSoFar;
      reported.sent = impaired.sentSoFar;
    }
    const cname = (side: Endpoint) => `${side.ip.replace(/[.:]/g, '')}@teams`;
    datagram(
      t,
      spec.from,
      spec.to,
      rtcpCompound(ssrc, cname(spec.from), [], {
        ntpSeconds: t + session.epoch() + 2_208_988_800,
        rtpTimestamp: (firstTimestamp + Math.round((t - spec.start) * clock)) >>> 0,
        packets,
        octets,
      }),
      'rtcp',
    );
    datagram(t + 0.01, spec.to, spec.from, rtcpCompound(random.uint32(), cname(spec.to), [block]), 'rtcp');
  };

  const end = spec.start + spec.duration;
  if (spec.kind === 'audio') {
    let talkspurt = true;
    for (let t = spec.start, i = 0; t < end; t += AUDIO.interval, i++) {
      // In a silence (DTX) the sender sends nothing; the first packet after it starts a talkspurt (marker, RFC 3551 §4.1).
      if (impaired?.silent(t)) {
        talkspurt = true;
        continue;
      }
      send(t, i * AUDIO.clock * AUDIO.interval, talkspurt, AUDIO.payloadType, random.int(...AUDIO.bytes));
      talkspurt = false;
      if (t >= nextReport) {
        report(t + 0.001, AUDIO.clock);
        nextReport += RTCP_INTERVAL;
      }
    }
  } else {
    const profile = spec.kind === 'video' ? VIDEO : SHARING;
    for (let t = spec.start, i = 0; t < end; t += 1 / profile.fps, i++) {
      const frameBytes = spec.kind === 'video' ? videoFrameBytes(random, i) : sharingFrameBytes(random, i);
      const parts = Math.ceil(frameBytes / profile.maxPayload);
      const timestamp = Math.round((i * profile.clock) / profile.fps);
      for (let p = 0; p < parts; p++)
        send(t + p * 0.0002, timestamp, p === parts - 1, profile.payloadType, Math.ceil(frameBytes / parts));
      if (t >= nextReport) {
        report(t + 0.002, profile.clock);
        nextReport += RTCP_INTERVAL;
      }
    }
  }

  const id = `0x${ssrc.toString(16).padStart(8, '0')}`;
  const payloadType =
    spec.kind === 'audio' ? AUDIO.payloadType : spec.kind === 'video' ? VIDEO.payloadType : SHARING.payloadType;
  const clock = spec.kind === 'audio' ? AUDIO.clock : VIDEO.clock;
  session.truth.media.push({
    ssrc: id,
    kind: spec.kind,
    path: spec.path,
    direction: inbound ? 'inbound' : 'outbound',
    payloadType,
    ...(impaired ? { quality: impaired.truth(spec.kind, clock) } : {}),
  });
  session.truth.activities.add(spec.kind === 'screen-sharing' ? 'screenshare' : spec.kind);
  session.truth.finding(`media-stream/${id}`);
  session.truth.finding(`call-path/${spec.path}`);
  session.truth.finding('call-phase/media');
  session.truth.finding('call-phase/end');
  if (spec.kind === 'screen-sharing') session.truth.finding('call-phase/screenshare-start');
  return ssrc;
}

/** Camera video: a key frame of ~12 kB every two seconds, delta frames of 1.5–4 kB (about 600 kbit/s). */
function videoFrameBytes(random: Session['random'], frame: number): number {
  return frame % (VIDEO.fps * VIDEO.keyframeEvery) === 0 ? random.int(10_000, 14_000) : random.int(1_500, 4_000);
}

/** Screen content: a large frame when the picture changes, small updates in between. */
function sharingFrameBytes(random: Session['random'], frame: number): number {
  return frame % 45 === 0 ? random.int(20_000, 40_000) : random.int(300, 2_500);
}
