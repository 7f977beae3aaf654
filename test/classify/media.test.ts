import assert from 'node:assert/strict';
import { classifyMedia, summarizeCall } from '../../core/classify/media.js';
import type { ModelFlow } from '../../core/model/flows.js';
import type { RtcpReport, RtpStream } from '../../core/schema/generated/report.js';
import { at, flow, mediaStream, rtpStream } from '../builders/capture-model.js';

const CLIENT = '192.168.1.6';
const RELAY = '52.114.250.123';

interface Capture {
  streams?: RtpStream[];
  flows?: ModelFlow[];
  rtcp?: RtcpReport[];
  relays?: string[];
}

function mediaOf({ streams = [], flows = [], rtcp = [], relays = [] }: Capture) {
  return classifyMedia({
    streams,
    rtcp,
    flows: new Map(flows.map((f) => [f.id, f])),
    clients: new Set([CLIENT]),
    relays: new Map(relays.map((ip) => [ip, [1]])),
    relayNames: (ip) => (ip === RELAY ? ['euaz.tr.teams.microsoft.com'] : []),
  });
}

/** One stream from the client to `destination`, as the parts say. */
const sent = (destination: string, parts: Partial<Omit<RtpStream, 'source' | 'destination'>> = {}) =>
  mediaOf({ streams: [rtpStream({ source: `${CLIENT}:50010`, destination, ...parts })] })[0]!;

describe('classify/media: what each media stream is and the path it takes', function () {
  describe('kind', function () {
    it('takes a stream on an audio clock for audio, with high confidence', function () {
      const media = sent('80.181.206.72:50020', { clockRate: 48000 });
      assert.equal(media.kind, 'audio');
      assert.equal(media.confidence, 'high');
      assert.match(media.reason, /^measured RTP clock 48 kHz \(an audio clock: 48 kHz\)/);
    });

    it('names the nearest audio clock a measured rate falls near: 47.6 kHz over a short leg is 48 kHz, not 44.1', function () {
      assert.match(sent('80.181.206.72:50020', { clockRate: 47600 }).reason, /\(an audio clock: 48 kHz\)/);
      assert.match(sent('80.181.206.72:50020', { clockRate: 44500 }).reason, /\(an audio clock: 44.1 kHz\)/);
    });

    it("takes a stream on video's 90 kHz clock for video, and for screen sharing from Teams' sharing port", function () {
      assert.equal(sent('80.181.206.72:50020', { clockRate: 90000 }).kind, 'video');
      assert.equal(sent('80.181.206.72:3481', { clockRate: 90000 }).kind, 'screen-sharing');
      const fromSharingPort = mediaOf({
        streams: [rtpStream({ source: `${CLIENT}:50045`, destination: '80.181.206.72:50020', clockRate: 90000 })],
      })[0]!;
      assert.equal(fromSharingPort.kind, 'screen-sharing');
    });

    it('without a clock, reads video from frames split over packets and audio from steady small packets', function () {
      assert.equal(sent('80.181.206.72:50020', { repeatedTimestampPackets: 200 }).kind, 'video');
      const audio = sent('80.181.206.72:50020');
      assert.equal(audio.kind, 'audio');
      assert.equal(audio.confidence, 'medium');
    });

    it('says nothing of a stream of fewer than 20 packets', function () {
      const media = sent('80.181.206.72:50020', { packets: 19, clockRate: 48000 });
      assert.equal(media.kind, 'unknown');
      assert.equal(media.confidence, 'low');
    });
  });

  describe('path and direction', function () {
    it('states who sends: outbound from the client, inbound to it, between others otherwise', function () {
      assert.equal(sent('80.181.206.72:50020').direction, 'outbound');
      const inbound = mediaOf({
        streams: [rtpStream({ source: '80.181.206.72:50020', destination: `${CLIENT}:50010` })],
      });
      assert.equal(inbound[0]!.direction, 'inbound');
      const others = mediaOf({ streams: [rtpStream({ source: '192.168.1.8:1', destination: '192.168.1.9:2' })] });
      assert.equal(others[0]!.direction, 'between-others');
    });

    it('calls media between two local hosts p2p-lan, through a TURN server relay, otherwise p2p', function () {
      assert.equal(sent('192.168.1.7:50020').path, 'p2p-lan');
      assert.equal(sent('80.181.206.72:50020').path, 'p2p');
      const relayed = mediaOf({
        streams: [rtpStream({ source: `${CLIENT}:50010`, destination: `${RELAY}:3478` })],
        relays: [RELAY],
      })[0]!;
      assert.equal(relayed.path, 'relay');
      assert.deepEqual(relayed.relay, at(`${RELAY}:3478`));
      assert.deepEqual(relayed.relayNames, ['euaz.tr.teams.microsoft.com']);
    });

    it('counts sustained undecodable traffic with a TURN relay as relayed media of unknown kind', function () {
      const relayFlow = flow({
        client: `${CLIENT}:50010`,
        server: `${RELAY}:3478`,
        transport: 'udp',
        stream: 2,
        packets: 1000,
        start: 0,
        end: 20,
      });
      const [media] = mediaOf({ flows: [relayFlow], relays: [RELAY] });
      assert.equal(media!.flowId, 'udp:2');
      assert.equal(media!.kind, 'unknown');
      assert.equal(media!.path, 'relay');
      assert.equal(media!.pps, 50);
      assert.deepEqual(mediaOf({ flows: [{ ...relayFlow, end: 2 }], relays: [RELAY] }), [], 'too short for media');
    });
  });

  it("adds the receiver's RTCP reports about the stream: worst loss, jitter in ms", function () {
    const rtcp: RtcpReport[] = [
      {
        frame: 70,
        time: 5,
        flowId: 'udp:0',
        packetTypes: [],
        blocks: [{ ssrc: '0x11111111', fractionLost: 0.1, jitter: 480 }],
      },
    ];
    const [media] = mediaOf({
      streams: [rtpStream({ source: `${CLIENT}:50010`, destination: '80.181.206.72:50020', clockRate: 48000 })],
      rtcp,
    });
    assert.deepEqual(media!.rtcp, { reports: 1, frames: [70], fractionLostMax: 0.1, jitterMs: 10 });
  });

  describe('the call', function () {
    const stream = (path: 'relay' | 'p2p', packets: number) =>
      mediaStream({ source: `${CLIENT}:50010`, destination: '80.181.206.72:50020', path, packets });

    it('takes the path most media packets took, mixed when they differ', function () {
      assert.equal(summarizeCall([stream('p2p', 100)])!.path, 'p2p');
      const mixed = summarizeCall([stream('relay', 300), stream('p2p', 100)])!;
      assert.equal(mixed.path, 'mixed');
      assert.match(mixed.reason, /^through a Microsoft media relay \(TURN\) \(75 % of media packets\); /);
    });

    it('is no call without media', function () {
      assert.equal(summarizeCall([]), undefined);
    });
  });
});
