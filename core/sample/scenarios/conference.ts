import { rtcpCompound } from '../rtp.js';
import type { Session } from '../session.js';
import { MEDIA_PORTS, callSignalling, hangUp, peerChecks, streams } from './call.js';
import { endpoint } from './common.js';

/** The meeting's media server (a documentation address, RFC 5737): what the client's candidate pairs reach. */
const MEDIA_SERVER = '198.51.100.90';
/** The participants other than the client: each a sender SSRC the server reports on. */
const OTHER_PARTICIPANTS = 8;
/** The server's RTCP port and the client's, neither next to its RTP port: tshark's RTCP heuristic has no port to go by. */
const SERVER_RTCP_PORT = 3481;
const CLIENT_RTCP_PORT = 50017;

/**
 * An audio meeting through a media server (RFC 7667 §3.7, an SFU): ICE checks with the server, the client's audio
 * up and the mixed audio down, and on a flow of their own the server's RTCP sender reports for every other
 * participant, each every second. Nothing names the server a conference server: the many sender SSRCs it reports
 * on do.
 */
export function conferenceCall(session: Session): void {
  const t = callSignalling(session, 0.1);
  const audio = endpoint(session.client, MEDIA_PORTS.audio);
  const server = endpoint(MEDIA_SERVER, 3480);
  const rtcpLocal = endpoint(session.client, CLIENT_RTCP_PORT);
  const rtcpServer = endpoint(MEDIA_SERVER, SERVER_RTCP_PORT);
  let checked = peerChecks(session, t + 0.1, audio, server, true);
  checked = peerChecks(session, checked + 0.01, rtcpLocal, rtcpServer, true);
  const start = checked + 0.1;
  const duration = 12;
  const end = streams(session, audio, server, 'audio', start, duration, true, 'p2p');
  const participants = Array.from({ length: OTHER_PARTICIPANTS }, () => session.random.uint32());
  for (let report = start + 0.5; report < start + duration; report += 1)
    participants.forEach((ssrc, i) => {
      const time = report + i * 0.003;
      const sender = {
        ntpSeconds: time + session.epoch() + 2_208_988_800,
        rtpTimestamp: session.random.uint32(),
        packets: Math.round((time - start) * 50),
        octets: Math.round((time - start) * 50 * 110),
      };
      session.capture.udp(time, rtcpServer, rtcpLocal, rtcpCompound(ssrc, `p${i}@teams`, [], sender), 'rtcp');
    });
  // Peer to peer as the candidate pairs go, yet through a media server: the call path says so.
  session.truth.present.delete('call-path/p2p');
  session.truth.finding('call-path/media-server');
  hangUp(session, end + 0.05);
}
