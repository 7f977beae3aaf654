import * as assert from 'node:assert/strict';
import { addressLength, readUdpDatagram, type UdpDatagram } from '../../core/records/datagram.js';
import { ipPacket, PROTOCOL_TCP, PROTOCOL_UDP } from '../../core/sample/ip.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ethernetFrame, linuxSllFrame } from '../../core/sample/link.js';
import { udpDatagram } from '../../core/sample/udp.js';

const ETHERNET = 1;
const LINUX_SLL = 113;
const LINUX_SLL2 = 276;
const RAW = 101;
const IPV4 = 228;
const IPV6 = 229;
const NULL = 0;
const LOOP = 108;

const MAC_A = '00:11:22:33:44:55';
const MAC_B = '66:77:88:99:aa:bb';
const PAYLOAD = Buffer.from('hello, teams');

function ipUdp(source: string, destination: string, { dscp = 46, protocol = PROTOCOL_UDP } = {}): Buffer {
  const udp = udpDatagram(source, destination, 50_000, 3478, PAYLOAD);
  return ipPacket({ source, destination, protocol, identification: 7, ttl: 64, dscp }, udp);
}

const IPV4_PACKET = ipUdp('10.0.0.1', '52.112.0.9');
const IPV6_PACKET = ipUdp('2001:db8::1', '2603:1063::9', { dscp: 34 });

function frame(packet: Buffer, etherType = ETHERTYPE_IPV4): Buffer {
  return ethernetFrame(MAC_A, MAC_B, etherType, packet);
}

/** The packet with its bytes at `offset` replaced: a header field set to what the test needs. */
function patched(packet: Buffer, offset: number, ...values: number[]): Buffer {
  const copy = Buffer.from(packet);
  values.forEach((value, i) => (copy[offset + i] = value));
  return copy;
}

function vlanTag(tpid: number, id: number): Buffer {
  return Buffer.from([tpid >> 8, tpid & 0xff, id >> 8, id & 0xff]);
}

function taggedFrame(tags: Buffer[], etherType: number, packet: Buffer): Buffer {
  const untagged = frame(packet, etherType);
  return Buffer.concat([untagged.subarray(0, 12), ...tags, untagged.subarray(12)]);
}

/** The datagram's addresses, as hex. */
function addresses(bytes: Buffer, datagram: UdpDatagram): [string, string] {
  const length = addressLength(datagram);
  return [
    bytes.toString('hex', datagram.sourceOffset, datagram.sourceOffset + length),
    bytes.toString('hex', datagram.destinationOffset, datagram.destinationOffset + length),
  ];
}

function read(linkType: number, bytes: Buffer): UdpDatagram {
  const datagram = readUdpDatagram(linkType, bytes);
  assert.ok(datagram, 'a UDP datagram');
  return datagram;
}

describe('records: the UDP datagram of a capture record, read without tshark', function () {
  describe('reads one UDP datagram in one whole IP packet', function () {
    it('IPv4 over Ethernet: addresses, ports, DSCP, lengths and offsets', () => {
      const bytes = frame(IPV4_PACKET);
      const datagram = read(ETHERNET, bytes);
      assert.deepEqual(addresses(bytes, datagram), ['0a000001', '34700009']);
      assert.deepEqual(datagram, {
        ipVersion: 4,
        ipOffset: 14,
        sourceOffset: 14 + 12,
        destinationOffset: 14 + 16,
        sourcePort: 50_000,
        destinationPort: 3478,
        dscp: 46,
        udpLength: 8 + PAYLOAD.length,
        payloadOffset: 14 + 20 + 8,
        payloadLength: PAYLOAD.length,
      });
      const payload = bytes.subarray(datagram.payloadOffset, datagram.payloadOffset + datagram.payloadLength);
      assert.equal(payload.toString(), 'hello, teams');
    });

    it('IPv6 over Ethernet: 16-byte addresses, DSCP from the traffic class', () => {
      const bytes = frame(IPV6_PACKET, ETHERTYPE_IPV6);
      const datagram = read(ETHERNET, bytes);
      assert.equal(datagram.ipVersion, 6);
      assert.deepEqual(addresses(bytes, datagram), [
        '20010db8000000000000000000000001',
        '26031063000000000000000000000009',
      ]);
      assert.equal(datagram.dscp, 34);
      assert.equal(datagram.payloadOffset, 14 + 40 + 8);
    });

    it('IPv4 with options: the payload starts after the longer header', () => {
      const options = Buffer.from([1, 1, 1, 0]); // NOP, NOP, NOP, end of options
      const withOptions = Buffer.concat([IPV4_PACKET.subarray(0, 20), options, IPV4_PACKET.subarray(20)]);
      withOptions[0] = 0x46;
      withOptions.writeUInt16BE(withOptions.length, 2);
      const datagram = read(ETHERNET, frame(withOptions));
      assert.equal(datagram.payloadOffset, 14 + 24 + 8);
      assert.equal(datagram.sourcePort, 50_000);
    });

    it('one or two VLAN tags of 802.1Q, 802.1ad or the old QinQ type before the ethertype', () => {
      const oneTag = taggedFrame([vlanTag(0x8100, 10)], ETHERTYPE_IPV4, IPV4_PACKET);
      assert.equal(read(ETHERNET, oneTag).ipOffset, 18);
      for (const outer of [0x88a8, 0x9100, 0x8100]) {
        const twoTags = taggedFrame([vlanTag(outer, 20), vlanTag(0x8100, 10)], ETHERTYPE_IPV6, IPV6_PACKET);
        assert.equal(read(ETHERNET, twoTags).ipOffset, 22, `outer tag 0x${outer.toString(16)}`);
      }
    });

    it('Linux cooked captures: v1 (protocol at 14 of 16 bytes) and v2 (protocol at 0 of 20 bytes)', () => {
      assert.equal(read(LINUX_SLL, linuxSllFrame('outgoing', MAC_A, ETHERTYPE_IPV4, IPV4_PACKET)).ipOffset, 16);
      // protocol, reserved, interface index, ARPHRD_ETHER, packet type (outgoing), address length, address
      const sll2Header = Buffer.from('86dd' + '0000' + '00000002' + '0001' + '04' + '06' + '0011223344550000', 'hex');
      assert.equal(read(LINUX_SLL2, Buffer.concat([sll2Header, IPV6_PACKET])).ipOffset, 20);
    });

    it('raw IP: by the first nibble (101), or IPv4 (228) and IPv6 (229) only', () => {
      assert.equal(read(RAW, IPV4_PACKET).ipVersion, 4);
      assert.equal(read(RAW, IPV6_PACKET).ipVersion, 6);
      assert.equal(read(IPV4, IPV4_PACKET).ipOffset, 0);
      assert.equal(read(IPV6, IPV6_PACKET).ipOffset, 0);
    });

    it('BSD loopback (0): the address family in either byte order; OpenBSD loopback (108): network order', () => {
      const family = (value: number, littleEndian: boolean) => {
        const header = Buffer.alloc(4);
        if (littleEndian) header.writeUInt32LE(value);
        else header.writeUInt32BE(value);
        return header;
      };
      for (const littleEndian of [true, false]) {
        assert.equal(read(NULL, Buffer.concat([family(2, littleEndian), IPV4_PACKET])).ipVersion, 4);
        for (const inet6 of [24, 28, 30]) {
          assert.equal(read(NULL, Buffer.concat([family(inet6, littleEndian), IPV6_PACKET])).ipOffset, 4);
        }
      }
      assert.equal(read(LOOP, Buffer.concat([family(2, false), IPV4_PACKET])).ipVersion, 4);
      assert.equal(read(LOOP, Buffer.concat([family(24, false), IPV6_PACKET])).ipVersion, 6);
      assert.equal(readUdpDatagram(LOOP, Buffer.concat([family(2, true), IPV4_PACKET])), undefined);
    });
  });

  describe('leaves to tshark what is not plainly one UDP datagram', function () {
    const cases: [string, number, Buffer][] = [
      ['an unknown link type (802.11)', 105, frame(IPV4_PACKET)],
      ['an empty record', ETHERNET, Buffer.alloc(0)],
      ['a record cut inside the Ethernet header', ETHERNET, frame(IPV4_PACKET).subarray(0, 13)],
      ['ARP', ETHERNET, frame(IPV4_PACKET, 0x0806)],
      ['an 802.3 frame (a length, not an ethertype)', ETHERNET, frame(IPV4_PACKET, IPV4_PACKET.length)],
      ['an IPv6 packet under the IPv4 ethertype', ETHERNET, frame(IPV6_PACKET, ETHERTYPE_IPV4)],
      ['an IPv4 packet under the IPv6 ethertype', ETHERNET, frame(IPV4_PACKET, ETHERTYPE_IPV6)],
      [
        'three VLAN tags',
        ETHERNET,
        taggedFrame([vlanTag(0x88a8, 1), vlanTag(0x8100, 2), vlanTag(0x8100, 3)], ETHERTYPE_IPV4, IPV4_PACKET),
      ],
      ['an IPv4 header length under 20', ETHERNET, frame(patched(IPV4_PACKET, 0, 0x44))],
      ['an IPv4 first fragment (more fragments set)', ETHERNET, frame(patched(IPV4_PACKET, 6, 0x20, 0x00))],
      ['an IPv4 later fragment (offset not 0)', ETHERNET, frame(patched(IPV4_PACKET, 6, 0x00, 0x10))],
      ['TCP', ETHERNET, frame(ipUdp('10.0.0.1', '10.0.0.2', { protocol: PROTOCOL_TCP }))],
      ['IP in IP', ETHERNET, frame(ipPacket({ ...tunnel(), protocol: 4 }, IPV4_PACKET))],
      ['GRE', ETHERNET, frame(ipPacket({ ...tunnel(), protocol: 47 }, IPV4_PACKET))],
      ['Ethernet padding after the IP packet', ETHERNET, Buffer.concat([frame(IPV4_PACKET), Buffer.alloc(6)])],
      ['an IPv4 packet cut short', ETHERNET, frame(IPV4_PACKET).subarray(0, -1)],
      ['an IPv6 packet cut short', ETHERNET, frame(IPV6_PACKET, ETHERTYPE_IPV6).subarray(0, -1)],
      ['an IPv6 trailer', ETHERNET, Buffer.concat([frame(IPV6_PACKET, ETHERTYPE_IPV6), Buffer.alloc(2)])],
      [
        'an IPv4 total length not that of the bytes',
        ETHERNET,
        frame(patched(IPV4_PACKET, 2, 0, IPV4_PACKET.length + 2)),
      ],
      ['an IPv6 payload length not that of the bytes', ETHERNET, frame(patched(IPV6_PACKET, 4, 0, 0), ETHERTYPE_IPV6)],
      ['an IPv6 hop-by-hop header before UDP', ETHERNET, frame(hopByHop(IPV6_PACKET), ETHERTYPE_IPV6)],
      ['a UDP length longer than the IP payload', ETHERNET, frame(patched(IPV4_PACKET, 24, 0, 21))],
      ['a UDP length shorter than the IP payload', ETHERNET, frame(patched(IPV4_PACKET, 24, 0, 19))],
      ['a UDP length under 8', ETHERNET, frame(udpLengthUnder8())],
      ['a netlink cooked capture', LINUX_SLL, patched(linuxSllFrame('to-us', MAC_A, 0x0800, IPV4_PACKET), 2, 3, 0x38)],
      ['IPv6 bytes as raw IPv4', IPV4, IPV6_PACKET],
      ['IPv4 bytes as raw IPv6', IPV6, IPV4_PACKET],
      ['an IP version that is neither 4 nor 6', RAW, patched(IPV4_PACKET, 0, 0x55)],
      ['a loopback family that is not IP', NULL, Buffer.concat([Buffer.from([7, 0, 0, 0]), IPV4_PACKET])],
      [
        'a loopback family that does not match the IP version',
        NULL,
        Buffer.concat([Buffer.from([2, 0, 0, 0]), IPV6_PACKET]),
      ],
    ];
    for (const [name, linkType, bytes] of cases) {
      it(name, () => assert.equal(readUdpDatagram(linkType, bytes), undefined));
    }
  });
});

function tunnel() {
  return { source: '192.0.2.1', destination: '192.0.2.2', identification: 1, ttl: 64 };
}

/** The IPv6 packet with an empty hop-by-hop options header (next header UDP) before its UDP header. */
function hopByHop(packet: Buffer): Buffer {
  const options = Buffer.from([PROTOCOL_UDP, 0, 1, 4, 0, 0, 0, 0]); // PadN over the 6 option bytes
  const withOptions = Buffer.concat([packet.subarray(0, 40), options, packet.subarray(40)]);
  withOptions[6] = 0;
  withOptions.writeUInt16BE(withOptions.length - 40, 4);
  return withOptions;
}

/** An IPv4 packet of 20 + 7 bytes whose 7-byte "UDP header" says 7: too short to be one. */
function udpLengthUnder8(): Buffer {
  const packet = IPV4_PACKET.subarray(0, 27);
  return patched(patched(packet, 2, 0, 27), 24, 0, 7);
}
