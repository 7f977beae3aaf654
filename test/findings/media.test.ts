import assert from 'node:assert/strict';
import { callPaths, mediaStreams } from '../../core/findings/media.js';
import { at, mediaStream } from '../builders/capture-model.js';
import { factsWithMedia, findingsOfRule } from '../builders/finding-facts.js';

const outbound = mediaStream({ source: '192.168.1.6:50010', destination: '192.168.1.7:50020', firstFrame: 30 });
const inbound = mediaStream({
  ssrc: '0x22222222',
  source: '192.168.1.7:50020',
  destination: '192.168.1.6:50010',
  direction: 'inbound',
  path: 'p2p-lan',
  firstFrame: 31,
  filter: 'rtp.ssrc == 0x22222222',
});

describe('findings/media: the media streams and the path the call takes', function () {
  describe('media streams', function () {
    it('states each stream with its kind, SSRC, payload types, endpoints, direction and why', function () {
      const stream = { ...outbound, payloadTypes: [111, 97] };
      assert.deepEqual(findingsOfRule(mediaStreams, factsWithMedia([stream])), [
        {
          id: 'media-stream/0x11111111',
          section: 'application',
          severity: 'info',
          title: 'Audio stream SSRC 0x11111111 (PT 111/97) 192.168.1.6:50010 → 192.168.1.7:50020 (outbound)',
          detail: 'measured RTP clock 48 kHz. 500 packets over 10 s; confidence high.',
          frames: [30],
          filter: 'rtp.ssrc == 0x11111111',
        },
      ]);
    });

    it('names relayed media without an SSRC by its flow', function () {
      const relayed = { ...outbound, ssrc: undefined, kind: 'unknown' as const, flowId: 'udp:7' };
      const [finding] = findingsOfRule(mediaStreams, factsWithMedia([relayed]));
      assert.equal(finding!.id, 'media-stream/udp:7');
      assert.match(finding!.title, /^Unclassified media stream 192\.168\.1\.6:50010 →/);
    });
  });

  describe('call paths', function () {
    it('states a LAN call once, counting its streams on each endpoint pair', function () {
      const lan = [{ ...outbound, path: 'p2p-lan' as const }, inbound];
      const [finding] = findingsOfRule(callPaths, factsWithMedia(lan));
      assert.equal(finding!.id, 'call-path/p2p-lan');
      assert.equal(finding!.section, 'network');
      assert.equal(finding!.title, 'Call media flows directly between two LAN hosts');
      assert.match(
        finding!.detail,
        /^2 media streams directly between two hosts of the same LAN, on 1 path: 192\.168\.1\.6:50010 ↔ 192\.168\.1\.7:50020 \(audio outbound, audio inbound\)\./,
      );
      assert.deepEqual(finding!.frames, [30, 31]);
      assert.equal(finding!.filter, '(rtp.ssrc == 0x11111111) || (rtp.ssrc == 0x22222222)');
    });

    it('names the relay and what the capture calls it when the media is relayed', function () {
      const relayed = {
        ...outbound,
        destination: at('52.114.250.123:3478'),
        path: 'relay' as const,
        relay: at('52.114.250.123:3478'),
        relayNames: ['euaz.tr.teams.microsoft.com'],
      };
      const [finding] = findingsOfRule(callPaths, factsWithMedia([relayed]));
      assert.equal(finding!.title, 'Media is relayed through 52.114.250.123:3478 (euaz.tr.teams.microsoft.com) — TURN');
    });

    it('says nothing without call media', function () {
      assert.deepEqual(findingsOfRule(callPaths, factsWithMedia([])), []);
    });
  });
});
