import { mediaStream } from '../call.js';
import type { Impairment } from '../impairment.js';
import type { Session } from '../session.js';
import { MEDIA_PORTS, callSignalling, hangUp, peerChecks } from './call.js';
import { REMOTE_PEER, endpoint } from './common.js';

const CALL_SECONDS = 20;

/**
 * An audio call peer to peer across the NAT whose inbound audio crosses a bad network (the outbound stream
 * leaves clean: the capture is taken on the client). The truth file records what the network did.
 */
function impairedAudioCall(session: Session, impairment: Impairment): void {
  const t = callSignalling(session, 0.1);
  const local = endpoint(session.client, MEDIA_PORTS.audio);
  const peer = endpoint(REMOTE_PEER, 31522);
  const start = peerChecks(session, t + 0.1, local, peer, true) + 0.1;
  mediaStream(session, { kind: 'audio', from: local, to: peer, start, duration: CALL_SECONDS, path: 'p2p' });
  mediaStream(session, {
    kind: 'audio',
    from: peer,
    to: local,
    start: start + 0.013,
    duration: CALL_SECONDS,
    path: 'p2p',
    impairment,
  });
  hangUp(session, start + CALL_SECONDS + 0.1);
}

/** 8 % random loss and two bursts of half a second or more: a poor call. */
export function lossyCall(session: Session): void {
  impairedAudioCall(session, {
    delay: 0.004,
    loss: 0.08,
    bursts: [
      { start: 3, duration: 0.5 },
      { start: 11, duration: 0.62 },
    ],
  });
}

/** Up to 800 ms of random one-way delay through a queue (packets stall, then arrive together: jitter ≈ 32 ms): a poor call. */
export function jitteryCall(session: Session): void {
  impairedAudioCall(session, { delay: 0.8 });
}

/** 5 % of packets held back behind the next, 1 % lost: reordered but within the thresholds. */
export function reorderingCall(session: Session): void {
  impairedAudioCall(session, { delay: 0.004, loss: 0.01, reorder: 0.05 });
}

/** A talker who pauses: silences (DTX) with nothing sent, on a clean network — gaps that are not loss, a good call. */
export function silentCall(session: Session): void {
  impairedAudioCall(session, {
    delay: 0.004,
    dtx: [
      { start: 2, duration: 1.5 },
      { start: 6, duration: 3 },
      { start: 12.5, duration: 0.8 },
    ],
  });
}
