import { allocateRelay, bindChannel, connectivityChecks, mediaStream, type RelayWrapping } from '../call.js';
import type { Endpoint } from '../capture.js';
import type { Session } from '../session.js';
import type { MediaKind } from '../truth.js';
import { isIpv6 } from '../ip.js';
import { PUBLIC_ADDRESS, RELAY_PORT, REMOTE_PEER, addressOf, connect, endpoint, resolve } from './common.js';

/** Client media ports in Teams' QoS ranges: audio 50000–50019, video 50020–50039, screen sharing 50040–50059. */
export const MEDIA_PORTS: Record<MediaKind, number> = { audio: 50010, video: 50030, 'screen-sharing': 50050 };

/**
 * Call set-up: the flight proxy's signalling connections (two, as the client opens them when a call connects),
 * returning when the call may start.
 */
export function callSignalling(session: Session, time: number): number {
  let t = resolve(session, time, 'flightproxy');
  const first = connect(session, t + 0.001, 'flightproxy', 'TLS 1.2', 0xc030);
  const second = connect(session, t + 0.2, 'flightproxy', 'TLS 1.2', 0xc030);
  t = first.exchange(first.ready + 0.001, 2400, 1800);
  t = second.exchange(Math.max(t, second.ready) + 0.01, 1600, 900);
  session.truth.finding('call-phase/signalling');
  return t;
}

/** Hang-up: a last signalling exchange on a new connection, then it closes. */
export function hangUp(session: Session, time: number): number {
  const connection = connect(session, time, 'flightproxy', 'TLS 1.2', 0xc030);
  const t = connection.exchange(connection.ready + 0.001, 900, 300);
  return connection.close(t + 0.1);
}

/** The first TURN channel number a client may bind (RFC 8656 §12: 0x4000–0x4FFF). */
const FIRST_CHANNEL = 0x4000;

/**
 * A call through the Teams relay: one allocation per media kind on RELAY:3478, then each kind's streams
 * both ways (screen sharing only from the client) through it: as bare RTP, or with `channelData` inside TURN
 * ChannelData on a channel bound to the far end, as relays carry media when both ends are relayed.
 */
export function relayedCall(
  session: Session,
  time: number,
  kinds: { kind: MediaKind; start: number; duration: number; both: boolean }[],
  wrapping: 'bare' | 'channel-data' | 'ms-turn' = 'bare',
): number {
  resolve(session, time, 'relay');
  const relay = endpoint(addressOf(session, 'relay'), RELAY_PORT);
  // Behind the IPv4 NAT the relay sees the client's public address; over IPv6 it sees the client itself.
  const seenAs = (port: number) =>
    isIpv6(session.client) ? endpoint(session.client, port) : endpoint(PUBLIC_ADDRESS, port + 11000);
  let t = time + 0.05;
  for (const { kind } of kinds)
    t = allocateRelay(
      session,
      t + 0.01,
      endpoint(session.client, MEDIA_PORTS[kind]),
      relay,
      seenAs(MEDIA_PORTS[kind]),
      kind,
    );
  // Each kind's far end, as the relay reaches it: the peer a channel is bound to or MS-TURN messages name.
  const peers = kinds.map((_, i) => endpoint(REMOTE_PEER, 31522 + 2 * i));
  const wrappings = kinds.map((_, i): RelayWrapping | undefined =>
    wrapping === 'channel-data'
      ? { channel: FIRST_CHANNEL + i }
      : wrapping === 'ms-turn'
        ? { msTurnPeer: peers[i]! }
        : undefined,
  );
  kinds.forEach(({ kind }, i) => {
    const wrapped = wrappings[i];
    if (wrapped && 'channel' in wrapped)
      t = bindChannel(
        session,
        t + 0.01,
        endpoint(session.client, MEDIA_PORTS[kind]),
        relay,
        peers[i]!,
        wrapped.channel,
      );
  });
  session.truth.finding('call-phase/setup');
  session.truth.activities.add('call-setup');
  let end = t;
  kinds.forEach(({ kind, start, duration, both }, i) => {
    const local = endpoint(session.client, MEDIA_PORTS[kind]);
    end = Math.max(end, streams(session, local, relay, kind, start, duration, both, 'relay', wrappings[i]));
  });
  return end;
}

/** Media of one kind between two endpoints: outbound, and inbound too when both sides send. */
export function streams(
  session: Session,
  local: Endpoint,
  remote: Endpoint,
  kind: MediaKind,
  start: number,
  duration: number,
  both: boolean,
  path: 'p2p-lan' | 'p2p' | 'relay',
  wrapping?: RelayWrapping,
): number {
  mediaStream(session, { kind, from: local, to: remote, start, duration, path, wrapping });
  if (both) mediaStream(session, { kind, from: remote, to: local, start: start + 0.013, duration, path, wrapping });
  return start + duration + 0.02;
}

/** ICE checks with a peer, direct (LAN) or across the NAT (the peer sees PUBLIC_ADDRESS). */
export function peerChecks(
  session: Session,
  time: number,
  local: Endpoint,
  remote: Endpoint,
  behindNat: boolean,
): number {
  const seenAs = behindNat ? endpoint(PUBLIC_ADDRESS, local.port + 11000) : local;
  const t = connectivityChecks(session, time, { local, remote }, seenAs);
  session.truth.finding('call-phase/setup');
  session.truth.activities.add('call-setup');
  return t;
}
