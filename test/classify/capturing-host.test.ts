import assert from 'node:assert/strict';
import { capturingHost } from '../../core/classify/capturing-host.js';
import type { LinkHost, LinkHosts } from '../../core/model/link-hosts.js';

const HOST_MAC = '3c:22:fb:00:00:01';
const GATEWAY_MAC = 'f4:ca:e5:00:00:02';

function linkHost(mac: string, unicastFrames: number, sentFrom: string[], interfaceId = 0, requests = 0): LinkHost {
  return {
    interfaceId,
    mac,
    unicastFrames,
    sentFrom: new Map(sentFrom.map((ip, index) => [ip, { frames: 1, firstFrame: index + 1 }])),
    requests,
  };
}

const ethernet = (...hosts: LinkHost[]): LinkHosts => ({
  outgoing: new Map(),
  ethernet: hosts,
  groupDestinations: new Set(),
});
const addressesOf = (link: LinkHosts) => [...(capturingHost(link)?.addresses.keys() ?? [])];

describe('the capturing host, from the link layer', function () {
  it('is the MAC on the most unicast frames, with every address it sends from, public or private, v4 or v6', function () {
    const link = ethernet(
      linkHost(HOST_MAC, 1000, ['130.104.37.81', '2001:6a8:3081::a9f6']),
      linkHost(GATEWAY_MAC, 990, ['52.114.0.1', '52.113.0.2', '13.107.0.3']),
      linkHost('a4:83:e7:00:00:03', 10, ['192.168.1.53']),
    );
    assert.deepEqual(addressesOf(link), ['130.104.37.81', '2001:6a8:3081::a9f6']);
    assert.match(capturingHost(link)!.how, /3c:22:fb:00:00:01 \(on 100 % of the unicast frames\)/);
  });

  it('tells the host from a gateway on as many frames: the host sends from fewer addresses', function () {
    const link = ethernet(
      linkHost(GATEWAY_MAC, 500, ['52.114.0.1', '52.113.0.2']),
      linkHost(HOST_MAC, 500, ['10.0.0.5']),
    );
    assert.deepEqual(addressesOf(link), ['10.0.0.5']);
  });

  it('decides nothing when two MACs tie on frames and addresses (only one conversation in the capture)', function () {
    assert.equal(
      capturingHost(ethernet(linkHost(HOST_MAC, 80, ['10.0.0.5']), linkHost(GATEWAY_MAC, 80, ['10.0.0.9']))),
      undefined,
    );
  });

  it('tells the host from the one peer of a single conversation by who sends the SYNs, ClientHellos, DNS queries and STUN requests', function () {
    const link = ethernet(linkHost(GATEWAY_MAC, 80, ['10.0.0.9'], 0, 0), linkHost(HOST_MAC, 80, ['10.0.0.5'], 0, 6));
    assert.deepEqual(addressesOf(link), ['10.0.0.5']);
    assert.match(
      capturingHost(link)!.how,
      /3c:22:fb:00:00:01 \(on 100 % of the unicast frames\), which sends 6 of the 6 SYNs, ClientHellos, DNS queries and STUN requests$/,
    );
  });

  it('decides nothing when another MAC sends more of the requests than the MAC on most frames', function () {
    const link = ethernet(
      linkHost(GATEWAY_MAC, 1000, ['52.114.0.1', '52.113.0.2'], 0, 1),
      linkHost(HOST_MAC, 600, ['10.0.0.5'], 0, 40),
      linkHost('3c:22:fb:00:00:07', 400, ['10.0.0.7'], 0, 30),
    );
    assert.equal(capturingHost(link), undefined);
  });

  it('decides nothing on a router (a MAC sending from many addresses) or a mirror port (no MAC on most frames)', function () {
    const many = Array.from({ length: 9 }, (_, i) => `198.51.100.${i + 1}`);
    assert.equal(
      capturingHost(ethernet(linkHost(GATEWAY_MAC, 900, many), linkHost(HOST_MAC, 450, ['10.0.0.5']))),
      undefined,
    );
    const mirror = ethernet(
      linkHost('02:00:00:00:00:01', 100, ['10.0.0.1']),
      linkHost('02:00:00:00:00:02', 100, ['10.0.0.2']),
      linkHost('02:00:00:00:00:03', 100, ['10.0.0.3']),
      linkHost('02:00:00:00:00:04', 100, ['10.0.0.4']),
    );
    assert.equal(capturingHost(mirror), undefined);
  });

  it('takes the host of each capture interface (one host, two network cards)', function () {
    const link = ethernet(
      linkHost(HOST_MAC, 100, ['192.168.1.20'], 0),
      linkHost(GATEWAY_MAC, 99, ['52.114.0.1', '52.113.0.2'], 0),
      linkHost('3c:22:fb:00:00:09', 40, ['10.10.0.7'], 1),
      linkHost('f4:ca:e5:00:00:0a', 39, ['52.114.0.1', '52.113.0.2'], 1),
    );
    assert.deepEqual(addressesOf(link), ['192.168.1.20', '10.10.0.7']);
  });

  it('on a Linux cooked capture, takes the sources of the frames marked outgoing, without 0.0.0.0', function () {
    const link: LinkHosts = {
      outgoing: new Map([
        ['0.0.0.0', { frames: 1, firstFrame: 1 }],
        ['192.168.1.20', { frames: 5, firstFrame: 2 }],
      ]),
      ethernet: [],
      groupDestinations: new Set(),
    };
    assert.deepEqual(addressesOf(link), ['192.168.1.20']);
    assert.match(capturingHost(link)!.how, /sll\.pkttype 4/);
  });
});
