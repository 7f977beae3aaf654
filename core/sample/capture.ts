import ipaddr from 'ipaddr.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6, ethernetFrame, linuxSllFrame, type SllPacketType } from './link.js';
import { PROTOCOL_TCP, PROTOCOL_UDP, ipPacket, isIpv6 } from './ip.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, encodePcapng, type PcapngInterface } from './pcapng.js';
import type { SeededRandom } from './random.js';
import { TcpConnection, type TcpOptions } from './tcp.js';
import { udpDatagram } from './udp.js';

export interface Endpoint {
  ip: string;
  port: number;
}

export type LinkKind = 'ethernet' | 'vlan' | 'linux-sll';

export interface CaptureOptions {
  link: LinkKind;
  /** The capturing host's addresses: packets from them are outgoing, packets to them incoming. */
  clientAddresses: readonly string[];
  /** With two or more, each packet goes on the interface `interfaceFor` picks. */
  interfaces?: readonly { name: string; description: string; resolution: 'us' | 'ns' }[];
  interfaceFor?: (source: string, destination: string) => number;
  vlanId?: number;
}

export interface TransportOptions {
  /** DSCP for the IP header (46, EF, for QoS-marked media). */
  dscp?: number;
  /** tshark marks this frame malformed, though its bytes are what real clients send (MS-TURN's unpadded DATA). */
  malformed?: boolean;
}

interface PendingPacket {
  /** Nanoseconds since the capture's start (an interface in microseconds drops the rest). */
  nanos: number;
  order: number;
  source: string;
  destination: string;
  protocol: number;
  segment: Buffer;
  application: string;
  dscp: number;
  malformed: boolean;
}

export interface BuiltCapture {
  pcapng: Buffer;
  /** Per frame, the protocol stack tshark's frame.protocols must show (application part included). */
  stacks: string[];
  /** The frames tshark marks malformed, by design (TransportOptions.malformed), in order. */
  malformed: number[];
  /** Seconds from the first to the last packet. */
  durationSec: number;
}

/** Hop limits as the capturing host sees them: its own and its LAN's packets carry 128 (Windows), remote ones less. */
const OWN_TTL = 128;
const LINK_STACKS: Record<LinkKind, string> = {
  ethernet: 'eth:ethertype',
  vlan: 'eth:ethertype:vlan:ethertype',
  'linux-sll': 'sll:ethertype',
};
const LOCAL_RANGES = new Set(['private', 'linkLocal', 'uniqueLocal', 'loopback']);
const MULTICAST = 'multicast';

/**
 * Collects the packets of a scenario, each at its time, then writes them in time order as pcapng: IP, UDP
 * and TCP headers with their checksums, framed for the chosen link type.
 */
export class CaptureBuilder {
  private readonly packets: PendingPacket[] = [];
  private readonly macs = new Map<string, string>();
  private readonly identifications = new Map<string, number>();
  private readonly ttls = new Map<string, number>();
  private readonly gatewayMac: string;

  constructor(
    readonly random: SeededRandom,
    private readonly options: CaptureOptions,
  ) {
    this.gatewayMac = this.newMac();
  }

  isClient(ip: string): boolean {
    return this.options.clientAddresses.includes(ip);
  }

  udp(
    time: number,
    from: Endpoint,
    to: Endpoint,
    payload: Buffer,
    application: string,
    options: TransportOptions = {},
  ): void {
    this.add(
      time,
      from.ip,
      to.ip,
      PROTOCOL_UDP,
      udpDatagram(from.ip, to.ip, from.port, to.port, payload),
      application,
      options,
    );
  }

  /** Used by TcpConnection for each of its segments. */
  tcpSegment(time: number, source: string, destination: string, segment: Buffer, application: string): void {
    this.add(time, source, destination, PROTOCOL_TCP, segment, application);
  }

  tcp(client: Endpoint, server: Endpoint, options: Partial<TcpOptions> = {}): TcpConnection {
    return new TcpConnection(this, client, server, this.random, options);
  }

  private add(
    time: number,
    source: string,
    destination: string,
    protocol: number,
    segment: Buffer,
    application: string,
    { dscp = 0, malformed = false }: TransportOptions = {},
  ): void {
    if (!(time >= 0)) throw new Error(`packet at ${time} s: scenarios start at 0`);
    this.packets.push({
      nanos: Math.round(time * 1e9),
      order: this.packets.length,
      source,
      destination,
      protocol,
      segment,
      application,
      dscp,
      malformed,
    });
  }

  /** The pcapng file: packets sorted by time (ties keep the order they were added in). */
  build(startEpochSeconds: number, application: string, comment: string): BuiltCapture {
    const sorted = [...this.packets].sort((a, b) => a.nanos - b.nanos || a.order - b.order);
    const linkType = this.options.link === 'linux-sll' ? LINKTYPE_LINUX_SLL : LINKTYPE_ETHERNET;
    const interfaces: PcapngInterface[] = (
      this.options.interfaces ?? [{ name: 'eth0', description: 'client LAN', resolution: 'us' as const }]
    ).map((i) => ({ ...i, linkType }));
    const start = BigInt(startEpochSeconds) * 1_000_000_000n;
    const stacks: string[] = [];
    const frames = sorted.map((p) => {
      const ip = ipPacket(
        {
          source: p.source,
          destination: p.destination,
          protocol: p.protocol,
          identification: this.nextIdentification(p.source),
          ttl: this.ttlOf(p.source),
          dscp: p.dscp,
        },
        p.segment,
      );
      stacks.push(
        [
          LINK_STACKS[this.options.link],
          isIpv6(p.source) ? 'ipv6' : 'ip',
          p.protocol === PROTOCOL_TCP ? 'tcp' : 'udp',
          p.application,
        ]
          .filter(Boolean)
          .join(':'),
      );
      return {
        interfaceId: this.options.interfaceFor?.(p.source, p.destination) ?? 0,
        timeNs: start + BigInt(p.nanos),
        data: this.frame(p.source, p.destination, ip),
      };
    });
    const durationSec = sorted.length ? (sorted.at(-1)!.nanos - sorted[0]!.nanos) / 1e9 : 0;
    const malformed = sorted.flatMap((p, i) => (p.malformed ? [i + 1] : []));
    return { pcapng: encodePcapng(interfaces, frames, application, comment), stacks, malformed, durationSec };
  }

  private frame(source: string, destination: string, ip: Buffer): Buffer {
    const etherType = isIpv6(source) ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
    const sourceMac = this.macOf(source);
    if (this.options.link === 'linux-sll')
      return linuxSllFrame(this.sllPacketType(source, destination), sourceMac, etherType, ip);
    return ethernetFrame(
      this.macOf(destination),
      sourceMac,
      etherType,
      ip,
      this.options.link === 'vlan' ? (this.options.vlanId ?? 20) : undefined,
    );
  }

  private sllPacketType(source: string, destination: string): SllPacketType {
    if (this.isClient(source)) return 'outgoing';
    if (rangeOf(destination) === MULTICAST) return 'multicast';
    return this.isClient(destination) ? 'to-us' : 'other-host';
  }

  /** The client and the other hosts of the LAN have their own MAC; the rest of the Internet is behind the gateway's. */
  private macOf(ip: string): string {
    const range = rangeOf(ip);
    if (range === MULTICAST) return multicastMac(ip);
    if (!LOCAL_RANGES.has(range) && !this.isClient(ip)) return this.gatewayMac;
    let mac = this.macs.get(ip);
    if (!mac) this.macs.set(ip, (mac = this.newMac()));
    return mac;
  }

  /** A locally administered unicast MAC address. */
  private newMac(): string {
    const bytes = this.random.bytes(6);
    bytes[0] = (bytes[0]! & 0xfc) | 0x02;
    return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
  }

  private nextIdentification(ip: string): number {
    const next = (this.identifications.get(ip) ?? this.random.int(0, 0xffff)) + 1;
    this.identifications.set(ip, next);
    return next & 0xffff;
  }

  private ttlOf(ip: string): number {
    if (this.isClient(ip) || LOCAL_RANGES.has(rangeOf(ip))) return OWN_TTL;
    let ttl = this.ttls.get(ip);
    if (ttl === undefined) this.ttls.set(ip, (ttl = this.random.int(44, 120)));
    return ttl;
  }
}

function rangeOf(ip: string): string {
  return ipaddr.process(ip).range();
}

/** RFC 1112 (01:00:5e + low 23 bits) and RFC 2464 (33:33 + low 32 bits) multicast MACs. */
function multicastMac(ip: string): string {
  const bytes = ipaddr.parse(ip).toByteArray();
  const mac = isIpv6(ip)
    ? [0x33, 0x33, ...bytes.slice(12)]
    : [0x01, 0x00, 0x5e, bytes[1]! & 0x7f, bytes[2]!, bytes[3]!];
  return mac.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
