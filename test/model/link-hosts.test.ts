import assert from 'node:assert/strict';
import { LinkHostsCollector } from '../../core/model/link-hosts.js';
import { packetRecord as packet } from '../builders/capture-model.js';

describe('link-layer hosts (the collector)', function () {
  it('counts unicast frames per MAC and the IP sources each MAC sends from; broadcasts count for no receiver', function () {
    const collector = new LinkHostsCollector();
    const host = 'aa:00:00:00:00:01';
    const gateway = 'aa:00:00:00:00:02';
    collector.add(packet({ 'eth.src': host, 'eth.dst': gateway, 'ip.src': '10.0.0.5' }));
    collector.add(packet({ 'eth.src': gateway, 'eth.dst': host, 'ip.src': '52.114.0.1' }));
    collector.add(packet({ 'eth.src': host, 'eth.dst': 'ff:ff:ff:ff:ff:ff', 'ip.src': '10.0.0.5' }));
    collector.add(packet({ 'eth.src': host, 'eth.dst': '33:33:00:00:00:fb', 'ipv6.src': 'fe80::1' }));
    const hosts = collector.finish().ethernet;
    const summary = hosts.map((h) => [h.mac, h.unicastFrames, [...h.sentFrom].map(([ip, s]) => [ip, s.frames])]);
    assert.deepEqual(summary, [
      [
        host,
        2,
        [
          ['10.0.0.5', 2],
          ['fe80::1', 1],
        ],
      ],
      [gateway, 2, [['52.114.0.1', 1]]],
    ]);
  });

  it('counts the unicast requests each MAC sends: SYN without ACK, ClientHello, DNS query, STUN request', function () {
    const collector = new LinkHostsCollector();
    const host = 'aa:00:00:00:00:01';
    const gateway = 'aa:00:00:00:00:02';
    const to = (sender: string, fields: Record<string, string>) =>
      collector.add(packet({ 'eth.src': sender, 'eth.dst': sender === host ? gateway : host, ...fields }));
    to(host, { 'tcp.flags.syn': '1', 'tcp.flags.ack': '0' });
    to(gateway, { 'tcp.flags.syn': '1', 'tcp.flags.ack': '1' });
    to(host, { 'tls.handshake.type': '1' });
    to(gateway, { 'tls.handshake.type': '2' });
    to(host, { 'dns.flags.response': '0' });
    to(gateway, { 'dns.flags.response': '1' });
    to(host, { 'stun.type': '0x0003' });
    to(gateway, { 'stun.type': '0x0103' });
    to(gateway, { 'stun.type': '0x0017' });
    collector.add(packet({ 'eth.src': host, 'eth.dst': '01:00:5e:00:00:fb', 'dns.flags.response': '0' }));
    assert.deepEqual(
      collector.finish().ethernet.map((h) => [h.mac, h.requests]),
      [
        [host, 4],
        [gateway, 0],
      ],
      'an answer, a Data indication (0x0017) or a multicast query is no unicast request',
    );
  });

  it('notes the IP destinations of frames sent to a group MAC or marked broadcast/multicast that never send', function () {
    const collector = new LinkHostsCollector();
    const host = 'aa:00:00:00:00:01';
    collector.add(packet({ 'eth.src': host, 'eth.dst': 'ff:ff:ff:ff:ff:ff', 'ip.dst': '192.168.1.255' }));
    collector.add(packet({ 'eth.src': host, 'eth.dst': 'aa:00:00:00:00:02', 'ip.dst': '52.114.0.1' }));
    collector.add(packet({ 'sll.pkttype': '1', 'ip.dst': '10.0.0.255' }));
    // A DHCP server may broadcast its offer to the address it offers; that host then sends from it.
    collector.add(packet({ 'eth.src': host, 'eth.dst': 'ff:ff:ff:ff:ff:ff', 'ip.dst': '192.168.1.7' }));
    collector.add(packet({ 'eth.src': 'aa:00:00:00:00:07', 'eth.dst': host, 'ip.src': '192.168.1.7' }));
    assert.deepEqual([...collector.finish().groupDestinations], ['192.168.1.255', '10.0.0.255']);
  });

  it("leaves out the loopback interface's frames (a MAC sending to itself)", function () {
    const collector = new LinkHostsCollector();
    collector.add(packet({ 'eth.src': '00:00:00:00:00:00', 'eth.dst': '00:00:00:00:00:00', 'ip.src': '127.0.0.1' }));
    assert.deepEqual(collector.finish().ethernet, []);
  });

  it('keeps the frames a Linux cooked capture marks as sent by this host (sll.pkttype 4) apart', function () {
    const collector = new LinkHostsCollector();
    collector.add(packet({ 'sll.pkttype': '4', 'ip.src': '192.168.1.20' }));
    collector.add(packet({ 'sll.pkttype': '0', 'ip.src': '52.114.0.1' }));
    assert.deepEqual([...collector.finish().outgoing.keys()], ['192.168.1.20']);
  });
});
