import assert from 'node:assert/strict';
import { oneWayAudio } from '../../core/findings/one-way-media.js';
import { mediaStream } from '../builders/capture-model.js';
import { factsWithMedia, findingsOfRule } from '../builders/finding-facts.js';

const sent = mediaStream({ source: '192.168.43.248:50000', destination: '109.142.173.121:49674', packets: 413 });
const received = (packets: number, kind: 'audio' | 'unknown' = 'audio') =>
  mediaStream({
    ssrc: '0x22222222',
    source: '109.142.173.121:49674',
    destination: '192.168.43.248:50000',
    direction: 'inbound',
    kind,
    packets,
    firstFrame: 40,
  });

describe('findings/one-way-media: audio that goes out while none comes back', function () {
  it('warns when the host sent 250 audio packets or more and none came back, with the flows as evidence', function () {
    assert.deepEqual(findingsOfRule(oneWayAudio, factsWithMedia([sent])), [
      {
        id: 'one-way-audio',
        section: 'quality',
        severity: 'warning',
        title: 'One-way audio: 413 audio packets sent, 0 received',
        detail:
          "The capturing host sent audio in 1 stream while none came back on the call's media flows. One-way media is a classic call failure (a firewall or NAT lets the media out but not in, or a relay permission is missing); a far end muted for the whole call looks the same.",
        frames: [1],
        filter: 'udp.stream == 0',
      },
    ]);
  });

  it('warns while what came back is under 2 % of what was sent', function () {
    assert.equal(findingsOfRule(oneWayAudio, factsWithMedia([sent, received(8)])).length, 1);
    assert.deepEqual(findingsOfRule(oneWayAudio, factsWithMedia([sent, received(9)])), []);
  });

  it('counts a received stream of no clear kind as the audio coming back', function () {
    assert.deepEqual(findingsOfRule(oneWayAudio, factsWithMedia([sent, received(300, 'unknown')])), []);
  });

  it('says nothing of a call too short to tell (under 250 packets sent)', function () {
    assert.deepEqual(findingsOfRule(oneWayAudio, factsWithMedia([{ ...sent, packets: 249 }])), []);
  });
});
