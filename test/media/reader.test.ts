import assert from 'node:assert/strict';
import { readDatagram } from '../../core/media/reader.js';

/** Bytes from hex, spaces ignored. */
function bytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex.replaceAll(' ', ''), 'hex'));
}

function word16(value: number): string {
  return value.toString(16).padStart(4, '0');
}

// An RTP packet (RFC 3550 §5.1): V=2, marker set, PT 111, seq 0x1234, timestamp 0x00010000, SSRC 0x000014f8, 4 payload bytes.
const RTP = '80ef 1234 00010000 000014f8 deadbeef';
const RTP_HEADER = {
  kind: 'rtp',
  ssrc: 0x14f8,
  sequence: 0x1234,
  timestamp: 0x10000,
  marker: true,
  payloadType: 111,
} as const;
// An SRTCP receiver report (PT 201): the first 8 bytes clear, then ciphertext.
const SRTCP = '81c9 0007 0000a0ac 5f3a9c0e11223344556677889900aabbccddeeff00112233';
const COOKIE = '2112a442';
const TRANSACTION = '000102030405060708090a0b';
const MS_COOKIE_ATTRIBUTE = '000f 0004 72c64bc6';

/** A STUN message (RFC 8489 §5) of the given type around the attributes; the length counts them as given. */
function stun(type: number, attributes: string, transaction = `${COOKIE}${TRANSACTION}`): string {
  return `${word16(type)} ${word16(attributes.replaceAll(' ', '').length / 2)} ${transaction} ${attributes}`;
}

/** A DATA attribute (0x0013) around the datagram, padded to 4 bytes or not. */
function data(datagram: string, pad: boolean): string {
  const length = datagram.replaceAll(' ', '').length / 2;
  return `0013 ${word16(length)} ${datagram}${pad ? '00'.repeat((4 - (length % 4)) % 4) : ''}`;
}

describe('media-plane reader: RTP and RTCP in every framing (RFC 7983)', function () {
  it('reads a plain RTP header', function () {
    assert.deepEqual(readDatagram(bytes(RTP)), { ...RTP_HEADER, framing: 'plain' });
  });

  it('tells RTCP from RTP by the second byte, as RFC 5761 §4 muxes them, and reads SRTCP by its clear sender SSRC', function () {
    assert.deepEqual(readDatagram(bytes(SRTCP)), {
      kind: 'rtcp',
      senderSsrc: 0xa0ac,
      packetType: 201,
      framing: 'plain',
    });
    // PT 72 with the marker bit (0xc8) would be RTCP SR: RFC 5761 keeps RTP off 64–95; PT 100 with marker is RTP.
    assert.equal(readDatagram(bytes('80e4 0001 00000000 00000001')).kind, 'rtp');
  });

  it('reads TURN ChannelData, padded or not (RFC 8656 §12)', function () {
    const padded = `4000 0010 ${RTP}`;
    const unpadded = `4001 0011 ${RTP}ff`;
    assert.deepEqual(readDatagram(bytes(padded)), { ...RTP_HEADER, framing: 'channel-data' });
    assert.deepEqual(readDatagram(bytes(unpadded)), { ...RTP_HEADER, framing: 'channel-data' });
    assert.equal(readDatagram(bytes(`4000 0008 ${SRTCP}`)).kind, 'rtcp');
  });

  it('reads the DATA of TURN Send and Data indications (RFC 8656 §10)', function () {
    const peer = '0012 0008 0001a1b2c3d4e5f6';
    for (const type of [0x0016, 0x0017]) {
      assert.deepEqual(readDatagram(bytes(stun(type, `${peer} ${data(RTP, true)}`))), {
        ...RTP_HEADER,
        framing: 'turn-indication',
      });
    }
  });

  it("reads MS-TURN's Send request and Data indication, DATA aligned or not ([MS-TURN] §2.2)", function () {
    const remote = '0012 0008 00010d973472f2ca';
    for (const type of [0x0004, 0x0115])
      for (const pad of [true, false]) {
        const message = stun(type, `${MS_COOKIE_ATTRIBUTE} ${remote} ${data(`${RTP}ab`, pad)}`);
        assert.deepEqual(readDatagram(bytes(message)), { ...RTP_HEADER, framing: 'ms-turn' }, `${type} ${pad}`);
      }
  });

  it("reads Microsoft's multiplexed relay header (0xFF10, length, session) around media and STUN", function () {
    const session = '97fde660c46632e3';
    assert.deepEqual(readDatagram(bytes(`ff10 0018 ${session} ${RTP}`)), { ...RTP_HEADER, framing: 'ms-multiplexed' });
    assert.deepEqual(readDatagram(bytes(`ff10 0020 ${session} ${stun(0x0001, '')}`)), { kind: 'stun' });
  });

  it('knows STUN by either magic cookie, and a message without DATA is STUN, not media', function () {
    assert.deepEqual(readDatagram(bytes(stun(0x0001, '0006 0004 61626364'))), { kind: 'stun' });
    const msTurn = stun(0x0003, MS_COOKIE_ATTRIBUTE, `a1b2c3d4${TRANSACTION}`);
    assert.deepEqual(readDatagram(bytes(msTurn)), { kind: 'stun' });
    assert.deepEqual(readDatagram(bytes(stun(0x0017, '0012 0008 0001a1b2c3d4e5f6'))), { kind: 'stun' });
  });

  it('reads the header of a packet the snap length cut, and says "truncated" when the header itself is cut', function () {
    const indication = stun(0x0017, data(`${RTP}${'00'.repeat(100)}`, true));
    assert.deepEqual(readDatagram(bytes(indication).subarray(0, 24 + 12)), {
      ...RTP_HEADER,
      framing: 'turn-indication',
    });
    assert.deepEqual(readDatagram(bytes(indication).subarray(0, 24 + 6)), { kind: 'truncated' });
    assert.deepEqual(readDatagram(bytes(RTP).subarray(0, 8)), { kind: 'truncated' });
    assert.deepEqual(readDatagram(bytes('4000 0040 8000')), { kind: 'truncated' });
    assert.deepEqual(readDatagram(bytes(indication).subarray(0, 18)), { kind: 'truncated' }, 'a data carrier cut');
  });

  it('leaves DTLS, ZRTP, QUIC-like bytes and empty datagrams as other', function () {
    assert.deepEqual(readDatagram(bytes('16fefd0000000000000000')), { kind: 'other' }); // DTLS handshake
    assert.deepEqual(readDatagram(bytes('10000000')), { kind: 'other' }); // ZRTP range
    assert.deepEqual(readDatagram(bytes('c0000000010811')), { kind: 'other' }); // QUIC long header
    assert.deepEqual(readDatagram(new Uint8Array(0)), { kind: 'other' });
    assert.deepEqual(readDatagram(bytes(`0001 0000 deadbeef ${TRANSACTION}`)), { kind: 'other' }); // no cookie
  });

  it('reads no deeper than a framing inside a framing', function () {
    const channelInChannel = `4000 0014 4001 0010 ${RTP}`;
    assert.deepEqual(readDatagram(bytes(channelInChannel)), { ...RTP_HEADER, framing: 'channel-data' });
    assert.deepEqual(readDatagram(bytes(`4000 0018 ${channelInChannel}`)), { kind: 'other' });
  });
});
