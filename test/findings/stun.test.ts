import assert from 'node:assert/strict';
import { reflexiveAddresses, turnAllocations } from '../../core/findings/stun.js';
import type { StunMessage } from '../../core/schema/generated/report.js';
import { code, stunMessage, XOR_MAPPED_ADDRESS, XOR_RELAYED_ADDRESS } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const RELAY = '52.114.250.123:3478';
const CLIENT = '192.168.1.6:50010';

/** An Allocate success response from the relay to the client, granting `relayed` and seeing the client as `mapped`. */
function allocated(frame: number, relayed: string, mapped = '80.181.206.72:50010'): StunMessage {
  const [ip, port] = relayed.split(':');
  const [mappedIp, mappedPort] = mapped.split(':');
  return stunMessage({
    frame,
    source: RELAY,
    destination: CLIENT,
    type: code(0x0103, 'Allocate Success Response'),
    method: 'Allocate',
    class: 'success',
    addresses: [
      { attribute: XOR_RELAYED_ADDRESS, ip: ip!, port: Number(port) },
      { attribute: XOR_MAPPED_ADDRESS, ip: mappedIp!, port: Number(mappedPort) },
    ],
  });
}

describe('findings/stun: TURN allocations and NAT mappings', function () {
  describe('TURN allocations', function () {
    it('states each TURN server once, with the relayed addresses it granted and a filter on its responses', function () {
      const stun = [allocated(10, '52.114.250.200:51000'), allocated(20, '52.114.250.200:51002')];
      assert.deepEqual(findingsOfRule(turnAllocations, factsFrom({ stun })), [
        {
          id: 'turn-allocation/52.114.250.123:3478',
          section: 'network',
          severity: 'info',
          title: 'TURN server 52.114.250.123:3478 granted 2 allocations',
          detail:
            'Relayed transport addresses: 52.114.250.200:51000, 52.114.250.200:51002, in 2 Allocate success responses; the frames are the response that first granted each (an Allocate answered with an address already granted is the same allocation: `stun.type == 0x0103 && ip.src == 52.114.250.123 && udp.srcport == 3478` shows them all).',
          frames: [10, 20],
          filter:
            'stun.type == 0x0103 && ip.src == 52.114.250.123 && udp.srcport == 3478 && (frame.number == 10 || frame.number == 20)',
        },
      ]);
    });

    it('counts an Allocate answered with an address already granted as the same allocation', function () {
      const stun = [1, 2, 3].map((frame) => allocated(frame, '52.114.250.137:3480'));
      const [finding] = findingsOfRule(turnAllocations, factsFrom({ stun }));
      assert.equal(finding!.title, 'TURN server 52.114.250.123:3478 granted 1 allocation');
      assert.deepEqual(finding!.frames, [1], 'the response that granted it; the filter in the detail shows the others');
      assert.match(finding!.filter, /&& \(frame\.number == 1\)$/);
    });

    it('counts responses, not allocations, when no relayed address can be read', function () {
      const stun = [allocated(4, '52.114.250.137:3480')].map((m) => ({ ...m, addresses: [] }));
      const [finding] = findingsOfRule(turnAllocations, factsFrom({ stun }));
      assert.equal(finding!.title, 'TURN server 52.114.250.123:3478 sent 1 Allocate success response');
      assert.match(finding!.detail, /cannot be counted/);
    });

    it('says nothing of Allocate requests or errors, only of granted allocations', function () {
      const request = stunMessage({ source: CLIENT, destination: RELAY, method: 'Allocate', class: 'request' });
      const error = stunMessage({ source: RELAY, destination: CLIENT, method: 'Allocate', class: 'error' });
      assert.deepEqual(findingsOfRule(turnAllocations, factsFrom({ stun: [request, error] })), []);
    });
  });

  describe('reflexive addresses', function () {
    it('states a NAT when the mapped address differs from the one the response was delivered to', function () {
      const [finding] = findingsOfRule(
        reflexiveAddresses,
        factsFrom({ stun: [allocated(10, '52.114.250.200:51000')] }),
      );
      assert.equal(finding!.id, 'nat-mapped-address/80.181.206.72');
      assert.equal(finding!.title, '192.168.1.6 reaches the Internet as 80.181.206.72 (NAT)');
      assert.deepEqual(finding!.frames, [10]);
      assert.equal(finding!.filter, 'stun.att.ipv4 == 80.181.206.72');
    });

    it('says nothing when the mapped address is the address itself (captured on the public side)', function () {
      const stun = [allocated(10, '52.114.250.200:51000', '192.168.1.6:50010')];
      assert.deepEqual(findingsOfRule(reflexiveAddresses, factsFrom({ stun })), []);
    });
  });
});
