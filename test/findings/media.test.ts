import assert from 'node:assert/strict';
import { callPaths, mediaStreams } from '../../core/findings/media.js';
import { at, mediaStream } from '../builders/capture-model.js';
import { callQuality, factsWithMedia, findingsOfRule } from '../builders/finding-facts.js';

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

    const server = {
      ip: '52.114.77.10',
      senderSsrcs: 11,
      rtcpPackets: 155,
      frames: [12, 14],
      filter: '(udp.stream == 3) && ip.src == 52.114.77.10',
    };
    const conference = { ...callQuality([], 'unknown'), mediaServer: server };

    it('calls media to a media server that sends RTCP for many SSRCs a conference, not peer to peer', function () {
      const toServer = mediaStream({
        source: '192.168.1.6:50010',
        destination: '52.114.77.10:50020',
        path: 'p2p',
        firstFrame: 30,
      });
      const facts = { ...factsWithMedia([toServer]), quality: conference };
      const [path] = findingsOfRule(callPaths, facts);
      assert.equal(path!.id, 'call-path/media-server');
      assert.equal(path!.title, 'Call media flows to a media server at 52.114.77.10 (a conference), not peer to peer');
    });

    it('names the media server even where no RTP stream was classified (RTCP alone)', function () {
      const [path] = findingsOfRule(callPaths, { ...factsWithMedia([]), quality: conference });
      assert.equal(path!.id, 'call-path/media-server');
      assert.match(path!.title, /media server at 52\.114\.77\.10 \(a conference of 11 sender SSRCs\)/);
      assert.match(path!.detail, /155 packets/);
      assert.deepEqual(path!.frames, [12, 14]);
      assert.equal(path!.filter, server.filter);
    });
  });
});
