import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { indexCapture } from '../core/records/capture-index.js';
import { addressLength, readUdpDatagram } from '../core/records/datagram.js';
import { sharedCapture, temporaryFolder } from './helpers.js';

/**
 * core/records/datagram.ts reads a record's UDP datagram without tshark, and only where tshark would read the same:
 * on every frame of real and hand-made captures, its answer is held to tshark's dissection of the same frame.
 */

interface CaptureRecord {
  linkType: number;
  bytes: Buffer;
  /** The snap length cut the record. */
  cut: boolean;
}

/** The capture's packet records in frame order, as the record index reads them (core/records/capture-index.ts). */
async function captureRecords(path: string): Promise<CaptureRecord[]> {
  const records: CaptureRecord[] = [];
  const index = await indexCapture(path, (record, layout) =>
    records.push({
      linkType: layout.interfaces[record.interfaceId]!.linkType,
      bytes: Buffer.from(record.bytes),
      cut: record.capturedLength < record.originalLength,
    }),
  );
  assert.ok(index, `${path} is indexed`);
  assert.equal(records.length, index.packets, 'only pcap records and enhanced packet blocks');
  return records;
}

const FIELDS = [
  'frame.number',
  'frame.protocols',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.dsfield.dscp',
  'ipv6.tclass.dscp',
  'ip.len',
  'ip.hdr_len',
  'ip.flags.mf',
  'ip.frag_offset',
  'ipv6.plen',
  'udp.srcport',
  'udp.dstport',
  'udp.length',
] as const;
type TsharkFrame = Record<(typeof FIELDS)[number], string>;

/** tshark's outermost occurrence of each field, for every frame. */
async function tsharkFrames<Field extends string>(
  path: string,
  fields: readonly Field[],
): Promise<Record<Field, string>[]> {
  const { stdout } = await execa('tshark', [
    '-r',
    path,
    '-n',
    '-T',
    'fields',
    '-E',
    'occurrence=f',
    ...fields.flatMap((field) => ['-e', field]),
  ]);
  return stdout.split('\n').map((line) => {
    const values = line.split('\t');
    return Object.fromEntries(fields.map((field, i) => [field, values[i] ?? ''])) as Record<Field, string>;
  });
}

/** A link layer tshark shows, then IP and UDP: the stack the reader reads, tunnels or not beyond it. */
const UDP_OVER_IP =
  /^(?:eth:ethertype(?::(?:vlan|ieee8021ad):ethertype){0,2}:|sll:ethertype:|null:|raw:)?(ip|ipv6):udp(?::|$)/;

function linkHeaderLength(linkType: number, protocols: string): number {
  if (linkType === 1) return 14 + 4 * (protocols.match(/:(?:vlan|ieee8021ad):/g)?.length ?? 0);
  return { 113: 16, 276: 20, 0: 4, 108: 4 }[linkType] ?? 0;
}

/** What the reader must give for the frame by tshark's dissection: the datagram's fields, or undefined. */
function expectedDatagram(linkType: number, bytes: Buffer, frame: TsharkFrame) {
  const ip = UDP_OVER_IP.exec(frame['frame.protocols'])?.[1];
  if (!ip) return undefined;
  const ipOffset = linkHeaderLength(linkType, frame['frame.protocols']);
  const ipv4 = ip === 'ip';
  if (ipv4 && (frame['ip.flags.mf'] !== '0' || frame['ip.frag_offset'] !== '0')) return undefined;
  const ipLength = ipv4 ? Number(frame['ip.len']) : 40 + Number(frame['ipv6.plen']);
  const ipPayloadLength = ipLength - (ipv4 ? Number(frame['ip.hdr_len']) : 40);
  const udpLength = Number(frame['udp.length']);
  if (ipLength !== bytes.length - ipOffset || udpLength !== ipPayloadLength || udpLength < 8) return undefined;
  return {
    ipOffset,
    source: ipv4 ? frame['ip.src'] : frame['ipv6.src'],
    destination: ipv4 ? frame['ip.dst'] : frame['ipv6.dst'],
    sourcePort: Number(frame['udp.srcport']),
    destinationPort: Number(frame['udp.dstport']),
    dscp: Number(ipv4 ? frame['ip.dsfield.dscp'] : frame['ipv6.tclass.dscp']),
    udpLength,
  };
}

/** IPv4 dotted, IPv6 compressed as tshark prints it. */
function addressText(address: Uint8Array): string {
  if (address.length === 4) return address.join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((address[2 * i]! << 8) | address[2 * i + 1]!).toString(16));
  const zeros = /(?:^|:)0(?::0)+(?:$|:)/g;
  let longest = '';
  for (const match of groups.join(':').matchAll(zeros)) if (match[0].length > longest.length) longest = match[0];
  return longest ? groups.join(':').replace(longest, '::') : groups.join(':');
}

/** Checks every frame of the capture; returns how many the reader read (the rest it left to tshark). */
async function assertAgreesWithTshark(path: string): Promise<{ read: number }> {
  const records = await captureRecords(path);
  const frames: TsharkFrame[] = await tsharkFrames(path, FIELDS);
  assert.equal(records.length, frames.length, 'one record per tshark frame');
  let read = 0;
  records.forEach(({ linkType, bytes }, i) => {
    const frame = frames[i]!;
    const expected = expectedDatagram(linkType, bytes, frame);
    const datagram = readUdpDatagram(linkType, bytes);
    const actual = datagram && {
      ipOffset: datagram.ipOffset,
      source: addressText(bytes.subarray(datagram.sourceOffset, datagram.sourceOffset + addressLength(datagram))),
      destination: addressText(
        bytes.subarray(datagram.destinationOffset, datagram.destinationOffset + addressLength(datagram)),
      ),
      sourcePort: datagram.sourcePort,
      destinationPort: datagram.destinationPort,
      dscp: datagram.dscp,
      udpLength: datagram.udpLength,
    };
    assert.deepEqual(actual, expected, `frame ${frame['frame.number']} (${frame['frame.protocols']})`);
    if (datagram) read++;
  });
  return { read };
}

const PAYLOAD_FIELDS = [
  'frame.number',
  'frame.protocols',
  'ip.flags.mf',
  'ip.frag_offset',
  'udp.srcport',
  'udp.dstport',
  'udp.length',
  'udp.payload',
] as const;

/**
 * Checks every frame the reader reads as captured (core/media/record-payloads.ts): its ports, length and payload are
 * those of tshark's outermost UDP layer. Returns how many it read, and how many of tshark's unfragmented UDP-over-IP
 * frames it left to tshark.
 */
async function assertPayloadsAgree(path: string): Promise<{ read: number; left: number }> {
  const records = await captureRecords(path);
  const frames = await tsharkFrames(path, PAYLOAD_FIELDS);
  assert.equal(records.length, frames.length, 'one record per tshark frame');
  let read = 0;
  let left = 0;
  records.forEach(({ linkType, bytes, cut }, i) => {
    const frame = frames[i]!;
    const what = `frame ${frame['frame.number']} (${frame['frame.protocols']})`;
    const udpOverIp = UDP_OVER_IP.test(frame['frame.protocols']);
    const unfragmented = frame['ip.flags.mf'] !== '1' && ['0', ''].includes(frame['ip.frag_offset']);
    const datagram = readUdpDatagram(linkType, bytes, 'as-captured', cut);
    if (!datagram) {
      if (udpOverIp && unfragmented) left++;
      return;
    }
    assert.ok(udpOverIp && unfragmented, `${what}: tshark reads UDP in an unfragmented IP packet`);
    const payload = bytes.subarray(datagram.payloadOffset, datagram.payloadOffset + datagram.payloadLength);
    assert.deepEqual(
      [datagram.sourcePort, datagram.destinationPort, datagram.udpLength, payload.toString('hex')],
      [
        Number(frame['udp.srcport']),
        Number(frame['udp.dstport']),
        Number(frame['udp.length']),
        frame['udp.payload'].replaceAll(':', ''),
      ],
      what,
    );
    read++;
  });
  return { read, left };
}

describe('records: the UDP datagram reader agrees with tshark', function () {
  this.timeout(120_000);

  /** Each capture, what it holds, and how many of its frames the reader reads (the rest it leaves to tshark). */
  const REAL_CAPTURES: [string, string, number][] = [
    ['teams-activities/audio-wifi-K1AW-60sec.pcapng', 'Ethernet, IPv4 and IPv6', 6461],
    ['teams.pcap', 'pcap', 179],
    ['teams-more/audio-4g-E1.pcapng', '4G', 706],
    ['teams-more/idle-lan-A1.pcapng', 'Linux cooked v1, IPv6', 388],
    ['rtcp_multiple_pkts_in_the_same_datagram.pcap', 'Linux cooked v1', 5],
    ['stun.pcap', 'VLAN, IPv6, UDP inside ICMP', 165],
    ['zoom.pcap', 'two VLAN tags; GTP-U, read as its outer datagram', 314],
    ['dns_fragmented.pcap', 'IPv4 and IPv6 fragments', 32],
    ['badpackets.pcap', 'UDP in IPv4 total lengths longer than the packet: none read', 0],
  ];
  for (const [name, what, expectedRead] of REAL_CAPTURES) {
    it(`on every frame of ${name} (${what})`, async function () {
      const { read } = await assertAgreesWithTshark(sharedCapture(this, name));
      assert.equal(read, expectedRead);
    });
  }

  describe("as captured: the payload of tshark's UDP layer, padding left out, cut records as far as they go", function () {
    /** Each capture, what it holds, frames read, and unfragmented UDP-over-IP frames left to tshark. */
    const CAPTURES: [string, string, number, number][] = [
      ['teams-activities/audio-lan-K1AE-60sec.pcapng', 'Ethernet padding after small datagrams', 6664, 0],
      ['zoom.pcap', 'padding; GTP-U read as its outer datagram', 318, 0],
      ['stun.pcap', 'UDP inside ICMP: not read', 165, 0],
      ['teams-more/idle-lan-A1.pcapng', 'Linux cooked v1', 388, 0],
      ['badpackets.pcap', 'first fragments, cut: none read', 0, 0],
    ];
    const folder = temporaryFolder('datagram-cut');
    for (const [name, what, expectedRead, expectedLeft] of CAPTURES) {
      it(`on every frame of ${name} (${what})`, async function () {
        const { read, left } = await assertPayloadsAgree(sharedCapture(this, name));
        assert.deepEqual({ read, left }, { read: expectedRead, left: expectedLeft });
      });
    }

    it('on records the snap length cut (audio-wifi-K1AW-60sec cut to 80 bytes by editcap)', async function () {
      const cut = join(folder(), 'cut.pcapng');
      await execa('editcap', ['-s', '80', sharedCapture(this, 'teams-activities/audio-wifi-K1AW-60sec.pcapng'), cut]);
      const { read, left } = await assertPayloadsAgree(cut);
      assert.deepEqual({ read, left }, { read: 6474, left: 0 });
    });
  });

  describe('on hand-made captures of each link type (text2pcap)', function () {
    const folder = temporaryFolder('datagram');
    const hex16 = (value: number) => value.toString(16).padStart(4, '0');
    /** Ports 50000 → 80, five payload bytes; the length field as given (13 is the true one). */
    const udp = (lengthField = 13) => `c3500050${hex16(lengthField)}0000` + '68656c6c6f';
    const ipv4 = (payload: string, { flagsAndOffset = '4000', protocol = '11' } = {}) =>
      `45b8${hex16(20 + payload.length / 2)}0001${flagsAndOffset}40${protocol}0000` + '0a000001' + '34700009' + payload;
    const ipv6 = (payload: string, nextHeader = '11') =>
      `6b800000${hex16(payload.length / 2)}${nextHeader}40` +
      '20010db8000000000000000000000001' +
      '26031063000000000000000000000009' +
      payload;
    const macs = '00112233445566778899aabb';
    const v4 = ipv4(udp());
    const v6 = ipv6(udp());
    const fragment = ipv4(udp(), { flagsAndOffset: '2000' });
    const laterFragment = ipv4('68656c6c6f', { flagsAndOffset: '0001' });
    const tcp = ipv4(udp(), { protocol: '06' });
    const hopByHop = ipv6('1100010400000000' + udp(), '00');
    const udpLengthMismatch = ipv4(udp(12));
    /** Link type, packets as hex, and how many of them the reader reads. */
    const CAPTURES: [string, number, string[], number][] = [
      [
        'Ethernet with VLAN tags',
        1,
        [
          `${macs}88a800058100000a0800${v4}`, // 802.1ad + 802.1Q: read
          `${macs}910000058100000686dd${v6}`, // old QinQ + 802.1Q: read
          `${macs}810000050800${v4}`, // 802.1Q: read
          `${macs}88a8000181000002810000030800${v4}`, // three tags
          `${macs}0800${v4}0000`, // a trailer after the IP packet
          `${macs}0800${fragment}`,
          `${macs}0800${laterFragment}`,
          `${macs}0800${tcp}`,
          `${macs}86dd${hopByHop}`,
          `${macs}0800${udpLengthMismatch}`,
        ],
        3,
      ],
      // packet type, ARPHRD_ETHER, address length, address (8 bytes), protocol (the last one ARP)
      [
        'Linux cooked v1',
        113,
        [
          `00040001000600112233445500000800${v4}`,
          `000000010006001122334455000086dd${v6}`,
          `00040001000600112233445500000806${v4}`,
        ],
        2,
      ],
      // protocol, reserved, interface index, ARPHRD_ETHER, packet type, address length, address (8 bytes);
      // the last one IPv4 under the IPv6 protocol
      [
        'Linux cooked v2',
        276,
        [
          `0800000000000002000104060011223344550000${v4}`,
          `86dd000000000002000100060011223344550000${v6}`,
          `86dd000000000002000104060011223344550000${v4}`,
        ],
        2,
      ],
      ['raw IP', 101, [v4, v6, fragment], 2],
      ['raw IPv4', 228, [v4, v6], 1],
      ['raw IPv6', 229, [v6, v4, hopByHop], 1],
      // the family in either byte order: AF_INET 2, AF_INET6 30 (Darwin), 28 (FreeBSD), 24 (NetBSD, OpenBSD);
      // then IPv4 under AF_INET6, and an unknown family
      [
        'BSD loopback',
        0,
        [`02000000${v4}`, `00000002${v4}`, `1e000000${v6}`, `0000001c${v6}`, `18000000${v4}`, `07000000${v4}`],
        4,
      ],
      // network byte order only: the last one is AF_INET little-endian
      ['OpenBSD loopback', 108, [`00000002${v4}`, `00000018${v6}`, `02000000${v4}`], 2],
    ];
    for (const [name, linkType, hexPackets, expectedRead] of CAPTURES) {
      it(`${name} (LINKTYPE ${linkType})`, async function () {
        const dump = join(folder(), `${linkType}.txt`);
        const capture = join(folder(), `${linkType}.pcapng`);
        const offsetDump = (hex: string) => `0000 ${hex.match(/../g)!.join(' ')}\n`;
        await writeFile(dump, hexPackets.map(offsetDump).join(''));
        await execa('text2pcap', ['-q', '-l', String(linkType), dump, capture]);
        assert.equal((await assertAgreesWithTshark(capture)).read, expectedRead);
      });
    }
  });
});
