import assert from 'node:assert/strict';
import { relayFrames, summarizeNat } from '../../core/classify/nat.js';
import type { StunMessage, TlsHandshake } from '../../core/schema/generated/report.js';
import { NameIndex } from '../../core/summaries/names.js';
import {
  clientHello,
  code,
  resolvedLookup,
  stunMessage,
  tlsHandshake,
  XOR_MAPPED_ADDRESS,
  XOR_RELAYED_ADDRESS,
} from '../builders/capture-model.js';

const CLIENT = '192.168.1.6:50010';
const RELAY = '52.114.250.123:3478';

const allocateRequest = (frame: number) =>
  stunMessage({ frame, source: CLIENT, destination: RELAY, method: 'Allocate', class: 'request' });
/** An Allocate success response granting the relayed transport address 52.114.250.200:`port`. */
const allocateSuccess = (frame: number, port = 51000) =>
  stunMessage({
    frame,
    source: RELAY,
    destination: CLIENT,
    method: 'Allocate',
    class: 'success',
    addresses: [{ attribute: XOR_RELAYED_ADDRESS, ip: '52.114.250.200', port }],
  });
const bindingSuccess = (frame: number, mapped: string, destination = CLIENT) =>
  stunMessage({
    frame,
    source: '52.114.250.124:3478',
    destination,
    method: 'Binding',
    class: 'success',
    addresses: [{ attribute: XOR_MAPPED_ADDRESS, ip: mapped, port: 40000 }],
  });
/** A relay reached over TCP 443 in pseudo-TLS framing, with the MS-TURN frames tshark could not decode. */
const pseudoTls = (stunFrames: number[]): TlsHandshake =>
  tlsHandshake({
    server: '52.114.250.125:443',
    flowId: 'tcp:3',
    clientHello: clientHello({ frame: 30 }),
    pseudoTls: { kind: 'ms-turn-tcp', stunFrames, reason: 'MS-TURN after the hello' },
  });

function nat(stun: StunMessage[], tls: TlsHandshake[] = [], malformed: number[] = []) {
  const names = new NameIndex([resolvedLookup(['euaz.tr.teams.microsoft.com'], ['52.114.250.123'])], []);
  return summarizeNat(stun, new Set(['192.168.1.6']), names, new Set(malformed), tls);
}

describe('classify/nat: how the client crosses its NAT', function () {
  describe('relay frames', function () {
    it('finds TURN servers from the side that answers requests, with the frames of their messages', function () {
      assert.deepEqual(relayFrames([allocateRequest(1), allocateSuccess(2)]), new Map([['52.114.250.123', [1, 2]]]));
    });

    it('takes Binding (plain STUN) for no relay, and counts a pseudo-TLS relay by its hello and MS-TURN frames', function () {
      assert.deepEqual(relayFrames([bindingSuccess(1, '80.181.206.72')]), new Map());
      assert.deepEqual(relayFrames([], [pseudoTls([31, 32])]), new Map([['52.114.250.125', [30, 31, 32]]]));
    });
  });

  describe('summary', function () {
    it('states the public address a STUN server saw, for which private address, learned from whom', function () {
      const summary = nat([bindingSuccess(5, '80.181.206.72'), bindingSuccess(9, '80.181.206.72')]);
      assert.equal(summary.behindNat, true);
      assert.deepEqual(summary.publicAddresses, [
        {
          ip: '80.181.206.72',
          ports: [40000],
          privateAddresses: ['192.168.1.6'],
          learnedFrom: [{ ip: '52.114.250.124', port: 3478 }],
          frames: [5, 9],
        },
      ]);
    });

    it('sees no NAT when the mapped address is the one the answer was delivered to', function () {
      assert.equal(nat([bindingSuccess(5, '192.168.1.6')]).behindNat, false);
    });

    it('lists each relay with its transport, names, allocations and messages', function () {
      const [relay] = nat([allocateRequest(1), allocateSuccess(2)]).relays;
      assert.deepEqual(relay, {
        ip: '52.114.250.123',
        port: 3478,
        transport: 'udp',
        names: ['euaz.tr.teams.microsoft.com'],
        allocations: 1,
        messages: 2,
        frames: [1, 2],
      });
    });

    it('counts an allocation per relayed address: a Refresh or an Allocate granting the same address is the same one', function () {
      const refresh = stunMessage({
        frame: 5,
        source: RELAY,
        destination: CLIENT,
        method: 'Refresh',
        class: 'success',
      });
      const stun = [allocateSuccess(2), allocateSuccess(3), refresh, allocateSuccess(7, 51002), allocateSuccess(9)];
      assert.equal(nat(stun).relays[0]!.allocations, 2);
    });

    it('counts no allocation it cannot read: null when no success response carries a relayed address', function () {
      const unread = { ...allocateSuccess(2), addresses: [] };
      assert.equal(nat([allocateRequest(1), unread]).relays[0]!.allocations, null);
      assert.equal(nat([allocateRequest(1)]).relays[0]!.allocations, 0, 'none granted');
    });

    it('counts MS-TURN inside pseudo-TLS on TCP 443 as messages to a tcp-443 relay', function () {
      const [relay] = nat([], [pseudoTls([31, 32, 33])]).relays;
      assert.equal(relay!.transport, 'tcp-443');
      assert.equal(relay!.messages, 3);
      assert.deepEqual(relay!.frames, [30, 31, 32, 33]);
    });

    it('counts the STUN messages tshark marked malformed', function () {
      assert.equal(nat([allocateRequest(1), allocateSuccess(2)], [], [2, 77]).malformedMessages, 1);
    });

    it('leaves classic STUN by type name among TURN messages', function () {
      const classic = stunMessage({
        source: CLIENT,
        destination: RELAY,
        protocol: 'classicstun',
        method: undefined,
        type: code(0x0003, 'Allocate Request'),
      });
      assert.deepEqual([...relayFrames([classic]).keys()], ['52.114.250.123']);
    });
  });
});
