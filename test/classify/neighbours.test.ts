import assert from 'node:assert/strict';
import { neighbourOnlyAddresses } from '../../core/classify/neighbours.js';
import { flow } from '../builders/capture-model.js';

const HOST = '192.168.1.6';
const PRINTER = '192.168.1.41';
const silent = { packets: 0, bytes: 0 };

/** A one-way datagram flow, as an announcement to a group is. */
const announce = (client: string, server: string, stream: number, protocols: string[] = []) =>
  flow({ client, server, transport: 'udp', stream, protocols, serverToClient: silent, firstFrame: stream });

const neighbours = (flows: ReturnType<typeof flow>[], groups: string[] = []) =>
  [...neighbourOnlyAddresses(flows, new Set(groups))].map(([ip, seen]) => [ip, [...seen.what], seen.firstFrame]);

describe('classify/neighbours: hosts seen only in local-link neighbour traffic', function () {
  it('takes a host that only announces itself (NBNS, mDNS, LLMNR) for a neighbour, with what it sent', function () {
    const flows = [
      announce(`${PRINTER}:137`, '192.168.1.255:137', 7, ['nbns']),
      announce(`${PRINTER}:5353`, '224.0.0.251:5353', 8, ['mdns']),
      announce(`${PRINTER}:53590`, '224.0.0.252:5355', 10, ['llmnr']),
    ];
    assert.deepEqual(neighbours(flows), [[PRINTER, ['nbns', 'mdns', 'llmnr'], 7]]);
  });

  it('counts a unicast answer of a discovery protocol (LLMNR, WS-Discovery) as neighbour traffic', function () {
    const flows = [
      flow({ client: `${PRINTER}:5355`, server: `${HOST}:53000`, transport: 'udp', stream: 1, protocols: ['llmnr'] }),
      flow({ client: `${PRINTER}:3702`, server: `${HOST}:53336`, transport: 'udp', stream: 2, protocols: ['data'] }),
    ];
    assert.deepEqual(
      neighbours(flows).map(([ip, what]) => [ip, what]),
      [
        [PRINTER, ['llmnr', 'ws-discovery']],
        [HOST, ['llmnr', 'ws-discovery']],
      ],
    );
  });

  it('takes a destination the link layer sent to a group MAC for a group, not a neighbour', function () {
    const flows = [announce(`${PRINTER}:57621`, '192.168.1.255:57621', 14, ['data'])];
    assert.deepEqual(neighbours(flows), [], 'without the link layer, 192.168.1.255 is an unknown address');
    assert.deepEqual(neighbours(flows, ['192.168.1.255']), [[PRINTER, ['to 192.168.1.255'], 14]]);
  });

  it('leaves out a host with any unicast conversation, and addresses that never send', function () {
    const flows = [
      announce(`${PRINTER}:5353`, '224.0.0.251:5353', 1, ['mdns']),
      announce(`${HOST}:5353`, '224.0.0.251:5353', 2, ['mdns']),
      flow({ client: `${HOST}:50000`, server: '52.113.194.132:443', stream: 3, protocols: ['tls'] }),
    ];
    assert.deepEqual(
      neighbours(flows).map(([ip]) => ip),
      [PRINTER],
    );
  });

  it('takes no host for the unspecified address of a DHCP Discover', function () {
    assert.deepEqual(neighbours([announce('0.0.0.0:68', '255.255.255.255:67', 1, ['dhcp'])]), []);
  });
});
