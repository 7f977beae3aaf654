import { allocateRelay, mediaStream } from '../call.js';
import type { Endpoint } from '../capture.js';
import type { Session } from '../session.js';
import { MEDIA_PORTS, callSignalling, hangUp, peerChecks } from './call.js';
import { PUBLIC_ADDRESS, RELAY_PORT, REMOTE_PEER, addressOf, endpoint, resolve } from './common.js';

/** 20 ms audio at 48 kHz: each packet one sequence number and 960 timestamp units on (core/sample/call.ts AUDIO). */
const AUDIO_PACKET_SECONDS = 0.02;
const AUDIO_PACKET_UNITS = 960;
/** Packets each side sends on both paths while ICE switches (RFC 8445 §8.1.1: the old pair keeps working meanwhile). */
const OVERLAP_PACKETS = 5;

/**
 * An audio call that starts through the Teams relay and moves to a direct path mid-call once the ICE checks with the
 * peer succeed: each direction keeps its SSRC, sequence numbers and timestamps across both legs, and the packets
 * around the switch go both ways. Nothing is lost: one stream per SSRC, two legs, no loss.
 */
export function pathChange(session: Session): void {
  const t = callSignalling(session, 0.1);
  resolve(session, t + 0.05, 'relay');
  const local = endpoint(session.client, MEDIA_PORTS.audio);
  const relay = endpoint(addressOf(session, 'relay'), RELAY_PORT);
  const allocated = allocateRelay(
    session,
    t + 0.1,
    local,
    relay,
    endpoint(PUBLIC_ADDRESS, local.port + 11000),
    'audio',
  );
  const peer = endpoint(REMOTE_PEER, 31522);
  const start = allocated + 0.1;
  const relayed = 8;
  // The direct pair is checked while the call runs through the relay; media moves once it succeeds.
  const checked = peerChecks(session, start + relayed - 1, local, peer, true);
  const switchAt = Math.max(checked, start + relayed) + 0.05;
  const direct = 10;
  const leg = (from: Endpoint, to: Endpoint, offset: number) => {
    const ssrc = session.random.uint32();
    const sequence = session.random.int(0, 0xffff - 4000);
    const timestamp = session.random.int(0, 0x7fffffff);
    const firstLeg = Math.round((switchAt - start) / AUDIO_PACKET_SECONDS) + OVERLAP_PACKETS;
    mediaStream(session, {
      kind: 'audio',
      from: from === local ? local : relay,
      to: to === local ? local : relay,
      start: start + offset,
      duration: firstLeg * AUDIO_PACKET_SECONDS - AUDIO_PACKET_SECONDS / 2,
      path: 'relay',
      continues: { ssrc, sequence, timestamp },
    });
    const switched = firstLeg - OVERLAP_PACKETS;
    mediaStream(session, {
      kind: 'audio',
      from,
      to,
      start: start + offset + switched * AUDIO_PACKET_SECONDS,
      duration: direct,
      path: 'p2p',
      continues: {
        ssrc,
        sequence: sequence + switched,
        timestamp: timestamp + switched * AUDIO_PACKET_UNITS,
      },
    });
    session.truth.finding(`media-path-change/0x${ssrc.toString(16).padStart(8, '0')}`);
  };
  leg(local, peer, 0);
  leg(peer, local, 0.013);
  hangUp(session, switchAt + direct + 0.1);
}
