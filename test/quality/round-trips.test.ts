import assert from 'node:assert/strict';
import type { TcpHandshake } from '../../core/model/quality-packets.js';
import { stunRoundTrips, tcpRoundTrips } from '../../core/quality/round-trips.js';
import type { StunMessage } from '../../core/schema/generated/report.js';

const CLIENT = { ip: '192.168.1.20', port: 50010 };
const RELAY = { ip: '52.114.0.9', port: 3478 };
const SERVER = { ip: '52.113.194.132', port: 443 };

function stun(frame: number, time: number, cls: 'request' | 'success', transactionId: string): StunMessage {
  const [source, destination] = cls === 'request' ? [CLIENT, RELAY] : [RELAY, CLIENT];
  return {
    frame,
    time,
    flowId: 'udp:0',
    protocol: 'stun',
    source,
    destination,
    type: { code: cls === 'request' ? 0x0001 : 0x0101 },
    method: 'Binding',
    class: cls,
    transactionId,
    attributes: [],
    addresses: [],
  };
}

const handshake = (synTime: number, syns: number, synAckTime: number): TcpHandshake => ({
  client: { ip: CLIENT.ip, port: 60533 },
  server: SERVER,
  synFrame: 1,
  synTime,
  syns,
  synAckFrame: 2,
  synAckTime,
});

describe("round trips (Karn's rule)", function () {
  const clients = new Set([CLIENT.ip]);

  it('measures a STUN request answered once, per relay', function () {
    const [row] = stunRoundTrips(
      [stun(1, 10, 'request', 'a'), stun(2, 10.03, 'success', 'a')],
      clients,
      new Set(['52.114.0.9:3478']),
    );
    assert.equal(row?.samples, 1);
    assert.equal(row?.medianMs, 30);
    assert.deepEqual(row?.frames, [1, 2]);
  });

  it('takes no sample from a STUN transaction whose request was retransmitted', function () {
    const rows = stunRoundTrips(
      [
        stun(1, 10, 'request', 'a'),
        stun(2, 10.5, 'request', 'a'),
        stun(3, 10.52, 'success', 'a'),
        stun(4, 11, 'request', 'b'),
        stun(5, 11.02, 'success', 'b'),
      ],
      clients,
      new Set(),
    );
    assert.deepEqual(
      rows.map((r) => [r.samples, r.minMs, r.maxMs, r.frames]),
      [[1, 20, 20, [4, 5]]],
    );
  });

  it('takes no sample from a TCP handshake whose SYN was retransmitted', function () {
    const rows = tcpRoundTrips([handshake(0, 5, 0.2228), handshake(1, 1, 1.0164)], clients, () => undefined);
    assert.deepEqual(
      rows.map((r) => [r.samples, r.minMs, r.maxMs]),
      [[1, 16.4, 16.4]],
    );
  });
});
