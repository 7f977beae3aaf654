import assert from 'node:assert/strict';
import { readMsTurnTcp } from '../../core/media/tcp-stream.js';
import type { TcpSegment } from '../../core/tshark/tcp-stun.js';

/** An RTP packet (RFC 3550 §5.1), PT 108, with the given sequence number and 6 payload bytes. */
function rtp(sequence: number): Buffer {
  const packet = Buffer.alloc(18);
  packet[0] = 0x80;
  packet[1] = 108;
  packet.writeUInt16BE(sequence, 2);
  packet.writeUInt32BE(sequence * 960, 4);
  packet.writeUInt32BE(0x14f8, 8);
  return packet;
}

/** [MS-TURN] §2.2.1 TCP framing: type, reserved, length. */
function frame(type: 0x02 | 0x03, message: Buffer): Buffer {
  const header = Buffer.from([type, 0, 0, 0]);
  header.writeUInt16BE(message.length, 2);
  return Buffer.concat([header, message]);
}

/** An MS-TURN Data indication (0x0115) carrying the datagram in an unpadded DATA attribute. */
function dataIndication(datagram: Buffer): Buffer {
  const attributes = Buffer.concat([
    Buffer.from('000f000472c64bc6', 'hex'), // MAGIC-COOKIE
    Buffer.from([0x00, 0x13, datagram.length >> 8, datagram.length & 0xff]),
    datagram,
  ]);
  const header = Buffer.alloc(20);
  header.writeUInt16BE(0x0115, 0);
  header.writeUInt16BE(attributes.length, 2);
  return Buffer.concat([header, attributes]);
}

/** A pseudo-TLS handshake record (type 22, TLS 1.0) of `length` bytes of body. */
function tlsRecord(length: number): Buffer {
  return Buffer.concat([Buffer.from([22, 3, 1, length >> 8, length & 0xff]), Buffer.alloc(length, 0xab)]);
}

/** The stream cut into segments at the given offsets; segment i is frame 100 + i, at time i. */
function segments(stream: Buffer, cuts: readonly number[]): TcpSegment[] {
  const bounds = [0, ...cuts, stream.length];
  return bounds.slice(0, -1).map((start, i) => ({
    frame: 100 + i,
    time: i,
    sequence: start,
    payload: stream.subarray(start, bounds[i + 1]),
  }));
}

const sequencesOf = (media: ReturnType<typeof readMsTurnTcp>) =>
  media.messages.map((m) => (m.content.kind === 'rtp' ? m.content.sequence : m.content.kind));

describe('media reader over TCP: MS-TURN framing in the relay connection ([MS-TURN] §2.2.1)', function () {
  it('reads data frames past the pseudo-TLS records, several in a segment and one across two', function () {
    const stream = Buffer.concat([tlsRecord(78), frame(0x03, rtp(1)), frame(0x03, rtp(2)), frame(0x03, rtp(3))]);
    // Segment 0: the record and frames 1–2; segment 1: the start of frame 3; segment 2: its end.
    const media = readMsTurnTcp(segments(stream, [83 + 44, 83 + 50]));
    assert.deepEqual(sequencesOf(media), [1, 2, 3]);
    assert.deepEqual(
      media.messages.map((m) => m.frame),
      [100, 100, 102],
      'a message arrives with the segment that completes it',
    );
    assert.equal(media.unreadBytes, 0);
  });

  it('reads media inside a Data indication in a control frame', function () {
    const media = readMsTurnTcp(segments(frame(0x02, dataIndication(rtp(7))), []));
    assert.deepEqual(media.messages[0]!.content, {
      kind: 'rtp',
      ssrc: 0x14f8,
      sequence: 7,
      timestamp: 7 * 960,
      marker: false,
      payloadType: 108,
      framing: 'ms-turn',
    });
  });

  it('counts a retransmitted segment once, and an overtaken one arrives with the segment that overtook it', function () {
    const stream = Buffer.concat([frame(0x03, rtp(1)), frame(0x03, rtp(2))]);
    const [first, second] = segments(stream, [22]);
    const retransmitted = { ...first!, frame: 200, time: 5 };
    // The second segment is captured first (time 0.5), the first later (time 1), then again (time 5).
    const media = readMsTurnTcp([{ ...second!, time: 0.5 }, { ...first!, time: 1 }, retransmitted]);
    assert.deepEqual(sequencesOf(media), [1, 2]);
    assert.deepEqual(
      media.messages.map((m) => [m.frame, m.time]),
      [
        [100, 1],
        [100, 1],
      ],
      'frame 2 waited for frame 1: both complete when it arrives',
    );
  });

  it('says how many bytes it could not read where the capture lacks a segment, and reads on after it', function () {
    const frames = [1, 2, 3, 4, 5].map((n) => frame(0x03, rtp(n)));
    const stream = Buffer.concat(frames);
    // Bytes 30–52 never captured: the end of frame 2 and the start of frame 3.
    const cut = segments(stream, [30, 52]);
    const media = readMsTurnTcp([cut[0]!, cut[2]!]);
    assert.deepEqual(sequencesOf(media), [1, 4, 5], 'frame 2 and 3 are not read, and not invented');
    assert.equal(media.unreadBytes, 8 + 22 + 14, 'the start of frame 2, the missing bytes and the end of frame 3');
  });

  it('reads nothing from a stream in another framing, and says so', function () {
    const media = readMsTurnTcp(segments(Buffer.concat([Buffer.from([0x00, 0x12]), rtp(1)]), []));
    assert.deepEqual(media.messages, []);
    assert.equal(media.unreadBytes, 20);
  });
});
