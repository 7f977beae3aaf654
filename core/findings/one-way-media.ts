import type { MediaStream } from '../schema/generated/report.js';
import type { FindingRule } from './finding.js';
import { count } from '../util/plural.js';
import { flowsFilter } from '../util/display-filter.js';

/** Audio sent for at least this many packets (5 s at Teams' 50 packets a second) makes a call worth checking. */
const SENT_AUDIO_PACKETS = 250;

/** Received audio under this share of the sent is "almost nothing". */
const RECEIVED_SHARE = 0.02;

/**
 * One-way audio: the capturing host sends audio while almost none comes back, a classic call failure (a
 * firewall or NAT that lets the media out but not in, a relay permission missing). The far end being muted the
 * whole call gives the same picture, so the finding says so rather than pretend to know.
 */
export const oneWayAudio: FindingRule = {
  section: 'quality',
  find({ classification: { media } }) {
    const sent = media.filter((m) => m.kind === 'audio' && m.direction === 'outbound');
    // A received stream of no clear kind may be the audio (its clock unreadable): it counts as coming back.
    const received = media.filter((m) => m.direction === 'inbound' && (m.kind === 'audio' || m.kind === 'unknown'));
    const sentPackets = packetsOf(sent);
    const receivedPackets = packetsOf(received);
    if (sentPackets < SENT_AUDIO_PACKETS || receivedPackets >= sentPackets * RECEIVED_SHARE) return [];
    return [
      {
        id: 'one-way-audio',
        severity: 'warning',
        title: `One-way audio: ${count(sentPackets, 'audio packet')} sent, ${receivedPackets} received`,
        detail:
          `The capturing host sent audio in ${count(sent.length, 'stream')} while ${receivedPackets ? 'almost none' : 'none'} came back on the call's media flows. ` +
          'One-way media is a classic call failure (a firewall or NAT lets the media out but not in, or a relay permission is missing); ' +
          'a far end muted for the whole call looks the same.',
        frames: [...sent, ...received].map((m) => m.firstFrame),
        // The flows both ways: the filter shows what did and did not come back.
        filter: flowsFilter([...sent, ...received].map((m) => m.flowId)),
      },
    ];
  },
};

function packetsOf(streams: readonly MediaStream[]): number {
  return streams.reduce((sum, m) => sum + m.packets, 0);
}
