import { uint16s, uint32 } from '../bytes.js';
import type { Session } from '../session.js';
import { STUN_ATTRIBUTE } from '../../model/stun-registry.js';
import { addressValue, errorCodeValue, stunMessage } from '../stun.js';
import { CONTENT, HANDSHAKE, VERSION, handshake, records, vector } from '../tls.js';
import { endpointText } from '../truth.js';
import { mediaStream } from '../call.js';
import type { Endpoint } from '../capture.js';
import { RELAY, RELAY_PORT, REMOTE_PEER, SERVICES, addressOf, chat, endpoint, resolve } from './common.js';

/** The one suite Teams' relay pseudo-TLS names (TLS_DH_anon_WITH_RC4_128_MD5): nothing is ever encrypted with it. */
const PSEUDO_TLS_SUITE = 0x0018;
/** [MS-TURN] §2.2.1 TCP framing: a type byte (control message or end-to-end data), a reserved byte, a 16-bit length. */
const MS_TURN_FRAME = { control: 0x02, data: 0x03 } as const;
/** MS-TURN's MAGIC-COOKIE attribute value ([MS-TURN] §2.2.2.9). */
const MS_TURN_COOKIE = 0x72c64bc6;
const METHOD_CREATE_PERMISSION = 0x008;
const CLASS_REQUEST = 0x000;
const CLASS_ERROR = 0x110;
/** The peer whose permission the relay refuses, echoed in the error's XOR-PEER-ADDRESS. */
export const REFUSED_PEER = endpoint(REMOTE_PEER, 31522);
export const TCP_RELAY_PORT = 443;
/** Audio through the relay over TCP, each way: 12 s at 50 packets/s, enough for a verdict on the received stream. */
const MEDIA_SECONDS = 12;
/** A stall on the way from the relay, after which its held-up frames arrive in one burst. */
const STALL_SECONDS = 0.2;

function msTurnFrame(type: number, message: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header[0] = type;
  header.writeUInt16BE(message.length, 2);
  return Buffer.concat([header, message]);
}

/**
 * A call whose UDP is blocked: a CreatePermission over UDP 3478 refused with a STUN error that echoes the peer in
 * XOR-PEER-ADDRESS, then the relay reached over TCP 443 in its pseudo-TLS framing — a ClientHello offering one
 * suite and no extension, ServerHello + ServerHelloDone without certificate — after which MS-TURN messages and
 * the call's media travel in clear, each in the 4-byte MS-TURN frame (STUN's magic cookie at byte 8): RTP and
 * RTCP in data frames (type 0x03), several to a segment at times, and a burst whose segments arrive out of order.
 */
export function relayOverTcp(session: Session): void {
  const { random, capture, truth } = session;
  let t = resolve(session, 0.1, 'chat');
  const local = endpoint(session.client, 50010);
  const udpRelay = endpoint(RELAY, RELAY_PORT);
  const permission = random.bytes(12);
  capture.udp(
    t + 0.01,
    local,
    udpRelay,
    stunMessage({
      method: METHOD_CREATE_PERMISSION,
      class: CLASS_REQUEST,
      transactionId: permission,
      attributes: [[0x0012, addressValue(REFUSED_PEER.ip, REFUSED_PEER.port, permission)]],
    }),
    'stun',
  );
  capture.udp(
    t + 0.035,
    udpRelay,
    local,
    stunMessage({
      method: METHOD_CREATE_PERMISSION,
      class: CLASS_ERROR,
      transactionId: permission,
      attributes: [
        [STUN_ATTRIBUTE.ERROR_CODE, errorCodeValue(403, 'Forbidden')],
        [0x0012, addressValue(REFUSED_PEER.ip, REFUSED_PEER.port, permission)],
      ],
    }),
    'stun',
  );
  truth.relays.add(endpointText(RELAY, RELAY_PORT));

  const connection = capture.tcp(endpoint(session.client, session.port()), endpoint(RELAY, TCP_RELAY_PORT), {
    rtt: 0.025,
  });
  t = connection.open(t + 0.1);
  /** `media`: both sides keep sending, so the next segment either way carries the ACK (none of its own). */
  const send = (
    time: number,
    from: 'client' | 'server',
    list: readonly Buffer[],
    headerBytes: number,
    media?: { late: boolean },
  ) => {
    let end = 0;
    const ends = list.map((r) => (end += r.length));
    const data = Buffer.concat(list);
    return connection.send(time, from, { data, application: 'tls', ends, headerBytes }, !!media, media?.late);
  };
  const hello = handshake(
    HANDSHAKE.clientHello,
    Buffer.concat([
      uint16s([VERSION['TLS 1.0']]),
      random.bytes(32),
      vector(1, Buffer.alloc(0)),
      vector(2, uint16s([PSEUDO_TLS_SUITE])),
      Buffer.from([1, 0]),
    ]),
  );
  t = send(t + 0.0002, 'client', records(CONTENT.handshake, VERSION['TLS 1.0'], hello), 5);
  const serverHello = handshake(
    HANDSHAKE.serverHello,
    Buffer.concat([
      uint16s([VERSION['TLS 1.0']]),
      random.bytes(32),
      vector(1, random.bytes(32)),
      uint16s([PSEUDO_TLS_SUITE]),
      Buffer.from([0]),
    ]),
  );
  const done = handshake(HANDSHAKE.serverHelloDone, Buffer.alloc(0));
  t = send(
    t + connection.rtt,
    'server',
    records(CONTENT.handshake, VERSION['TLS 1.0'], Buffer.concat([serverHello, done])),
    5,
  );
  const allocate = random.bytes(12);
  const turnAttributes: [number, Buffer][] = [
    [STUN_ATTRIBUTE.MS_MAGIC_COOKIE, uint32(MS_TURN_COOKIE)],
    [STUN_ATTRIBUTE.MS_VERSION, uint32(2)],
  ];
  t = send(
    t + 0.001,
    'client',
    [
      msTurnFrame(
        MS_TURN_FRAME.control,
        stunMessage({ method: 0x003, class: CLASS_REQUEST, transactionId: allocate, attributes: turnAttributes }),
      ),
    ],
    4,
  );
  t = send(
    t + connection.rtt,
    'server',
    [
      msTurnFrame(
        MS_TURN_FRAME.control,
        stunMessage({
          method: 0x003,
          class: 0x100,
          transactionId: allocate,
          attributes: [...turnAttributes, [STUN_ATTRIBUTE.MAPPED_ADDRESS, addressValue(RELAY, 3480)]],
        }),
      ),
    ],
    4,
  );
  // The call: audio each way, every RTP and RTCP packet in an MS-TURN data frame on the connection.
  const frames: { time: number; from: 'client' | 'server'; frame: Buffer }[] = [];
  const overTcp = (time: number, from: Endpoint, datagram: Buffer) =>
    frames.push({
      time,
      from: from.ip === session.client ? 'client' : 'server',
      frame: msTurnFrame(MS_TURN_FRAME.data, datagram),
    });
  const start = t + 0.05;
  for (const [from, to, offset] of [
    [connection.client, connection.server, 0],
    [connection.server, connection.client, 0.011],
  ] as const)
    mediaStream(session, {
      kind: 'audio',
      from,
      to,
      start: start + offset,
      duration: MEDIA_SECONDS,
      path: 'relay',
      wrapping: { overTcp },
    });
  // Frames sent within a millisecond of each other share a segment; during a stall the relay's frames wait and
  // arrive in one burst of several segments, the second overtaking the first.
  const stallAt = start + MEDIA_SECONDS / 2;
  const stallEnd = stallAt + STALL_SECONDS;
  const sent = frames
    .map((f) => ({ ...f, stalled: f.from === 'server' && f.time >= stallAt && f.time < stallEnd }))
    .map((f) => (f.stalled ? { ...f, time: stallEnd } : f))
    .sort((a, b) => a.time - b.time);
  for (let i = 0; i < sent.length;) {
    const { time, from, stalled } = sent[i]!;
    const batch: Buffer[] = [];
    while (i < sent.length && sent[i]!.from === from && sent[i]!.time <= time + 0.001) batch.push(sent[i++]!.frame);
    send(time, from, batch, 4, { late: stalled });
  }
  connection.close(start + MEDIA_SECONDS + 0.1);
  truth.relays.add(endpointText(RELAY, TCP_RELAY_PORT));
  truth.finding(`media-relay-over-tcp/${RELAY}`);
}

/** Chat whose messaging server sends its first TLS flight with two segments swapped on the way. */
export function outOfOrderChat(session: Session): void {
  const t = resolve(session, 0.1, 'chat');
  const service = SERVICES.chat;
  const messages = session.tls(t + 0.001, {
    ip: addressOf(session, 'chat'),
    sni: service.sni,
    version: 'TLS 1.2',
    cipherSuite: 0xc030,
    certificate: session.certificate(service.certificate.commonName, service.certificate.subjectAltNames),
    serverFlightOutOfOrder: true,
  });
  const end = chat(session, messages, messages.ready + 0.3, 8);
  messages.close(end + 0.2);
}
