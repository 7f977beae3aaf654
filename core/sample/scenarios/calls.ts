import type { Session } from '../session.js';
import { MEDIA_PORTS, callSignalling, hangUp, peerChecks, relayedCall, streams } from './call.js';
import { LAN_PEER, REMOTE_PEER, connect, endpoint, resolve } from './common.js';

/** An audio call between two PCs of the same LAN: ICE checks succeed on the host candidates, media flows directly. */
export function audioLan(session: Session): void {
  const t = callSignalling(session, 0.1);
  const local = endpoint(session.client, MEDIA_PORTS.audio);
  const peer = endpoint(LAN_PEER, 50014);
  const checked = peerChecks(session, t + 0.1, local, peer, false);
  const end = streams(session, local, peer, 'audio', checked + 0.1, 20, true, 'p2p-lan');
  hangUp(session, end + 0.05);
}

/** An audio call through the Teams relay. */
export function audioRelay(session: Session, from = 0.1): void {
  const start = callSignalling(session, from) + 0.2;
  const end = relayedCall(session, start, [{ kind: 'audio', start: start + 0.4, duration: 20, both: true }]);
  hangUp(session, end + 0.05);
}

/** A video call peer to peer across the Internet: ICE through the NAT, audio and camera video both ways. */
export function videoCall(session: Session): void {
  const t = callSignalling(session, 0.1);
  const peer = endpoint(REMOTE_PEER, 31522);
  const audio = endpoint(session.client, MEDIA_PORTS.audio);
  const video = endpoint(session.client, MEDIA_PORTS.video);
  const videoPeer = endpoint(REMOTE_PEER, 31524);
  let checked = peerChecks(session, t + 0.1, audio, peer, true);
  checked = peerChecks(session, checked + 0.01, video, videoPeer, true);
  const end = Math.max(
    streams(session, audio, peer, 'audio', checked + 0.1, 18, true, 'p2p'),
    streams(session, video, videoPeer, 'video', checked + 0.6, 16, true, 'p2p'),
  );
  hangUp(session, end + 0.05);
}

/** Screen sharing in a relayed call: audio both ways, the shared screen from the client. */
export function screenShare(session: Session): void {
  const t = callSignalling(session, 0.1);
  const start = t + 0.2;
  const end = relayedCall(session, start, [
    { kind: 'audio', start: start + 0.4, duration: 18, both: true },
    { kind: 'screen-sharing', start: start + 2, duration: 14, both: false },
  ]);
  hangUp(session, end + 0.05);
}

/**
 * Screen sharing relayed as Teams relays carry it when neither end is reachable directly: audio both ways and
 * the shared screen from the client, each inside TURN ChannelData on a channel bound to the far end.
 */
export function screenShareChannelData(session: Session): void {
  const start = callSignalling(session, 0.1) + 0.2;
  const end = relayedCall(
    session,
    start,
    [
      { kind: 'audio', start: start + 0.4, duration: 24, both: true },
      { kind: 'screen-sharing', start: start + 6, duration: 14, both: false },
    ],
    'channel-data',
  );
  hangUp(session, end + 0.05);
}

/**
 * An audio call relayed as the captured Teams clients relay it when no channel is bound: each RTP and RTCP packet in
 * an MS-TURN Send request to the relay and a Data indication from it, DATA unpadded. tshark decodes none of the media
 * (the frames are malformed STUN to it); nothing is lost, and the analysis must say so.
 */
export function audioRelayMsTurn(session: Session): void {
  const start = callSignalling(session, 0.1) + 0.2;
  const end = relayedCall(session, start, [{ kind: 'audio', start: start + 0.4, duration: 20, both: true }], 'ms-turn');
  // True of the frames, and a notice: the report names tshark's malformed packets, and reads their media anyway.
  session.truth.finding('malformed-packets');
  hangUp(session, end + 0.05);
}

/** A file sent during a relayed audio call: 3 MB uploaded to OneDrive (SharePoint) 10 s into the call. */
export function fileDuringCall(session: Session): void {
  const start = callSignalling(session, 0.1) + 0.2;
  const end = relayedCall(session, start, [{ kind: 'audio', start: start + 0.4, duration: 30, both: true }]);
  const t = resolve(session, start + 10, 'sharepoint');
  const sharepoint = connect(session, t + 0.001, 'sharepoint', 'TLS 1.3', 0x1302, { bitsPerSecond: 8e6 });
  sharepoint.close(sharepoint.exchange(sharepoint.ready + 0.01, 3_000_000, 1200, 0.15) + 0.5);
  session.truth.activities.add('file');
  hangUp(session, end + 0.05);
}
