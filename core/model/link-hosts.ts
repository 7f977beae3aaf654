import { perSharedLayers, type PacketRecord } from '../tshark/record.js';
import type { Collector } from './collector.js';

/** Linux cooked capture's packet types (sll.pkttype): a frame the capturing host sent, or one sent to a group. */
const SLL_OUTGOING = 4;
const SLL_GROUP: ReadonlySet<number> = new Set([1, 2]); // broadcast, multicast

/** An IP source address of the frames one sender sent: how many, and the first as evidence. */
export interface SourceAddress {
  frames: number;
  firstFrame: number;
}

/** A link-layer (MAC) address of an Ethernet capture, as one capture interface saw it. */
export interface LinkHost {
  /** The capture interface (pcapng's frame.interface_id): a host capturing on two has a MAC on each. */
  interfaceId: number;
  mac: string;
  /** Unicast frames it sent or received. */
  unicastFrames: number;
  /** The IP source addresses of the frames it sent. */
  sentFrom: Map<string, SourceAddress>;
  /**
   * Unicast frames it sent that a client sends: a TCP SYN without ACK, a TLS ClientHello, a DNS query, a STUN
   * request. A host sends them; a gateway forwards the answers.
   */
  requests: number;
}

/**
 * Who sent each frame, below IP: what tells the capturing host apart without asking which address ranges
 * are local. On Linux cooked captures the kernel marks the frames the host sent (`outgoing`); on Ethernet
 * the capturing host's MAC address is on nearly every unicast frame.
 */
export interface LinkHosts {
  /** Sources of the frames a Linux cooked capture marks as sent by the capturing host (empty elsewhere). */
  outgoing: Map<string, SourceAddress>;
  /** Every MAC address seen as an Ethernet source or unicast destination, per capture interface. */
  ethernet: LinkHost[];
  /**
   * IP destinations of frames the link layer sent to a group (broadcast or multicast MAC, or sll.pkttype 1/2)
   * that never send (a group address is never a source: RFC 1122 §3.2.1.3): a subnet's directed broadcast
   * (192.168.1.255) looks like any host's address above the link layer.
   */
  groupDestinations: Set<string>;
}

export class LinkHostsCollector implements Collector<LinkHosts> {
  readonly fields = [
    'frame.interface_id',
    'eth.src',
    'eth.dst',
    'sll.pkttype',
    'ip.src',
    'ipv6.src',
    'ip.dst',
    'ipv6.dst',
    'tcp.flags.syn',
    'tcp.flags.ack',
    'tls.handshake.type',
    'dns.flags.response',
    'stun.type',
  ];

  private readonly outgoing = new Map<string, SourceAddress>();
  /** By interface, then MAC: no key string built per packet. */
  private readonly hosts = new Map<number, Map<string, LinkHost>>();
  private readonly groupDestinations = new Set<string>();
  private readonly sources = new Set<string>();

  /** All countsOf reads is shared by a fast-path record's kind: worked out once per kind. */
  private readonly countsFor = perSharedLayers((packet) => this.countsOf(packet));

  add(packet: PacketRecord): void {
    this.count(this.countsFor(packet), packet.frame);
  }

  /** What the packet counts for, from its link and IP layers and whether a client sent it; not its frame. */
  private countsOf(packet: PacketRecord): FrameCounts {
    const source = packet.first('ip.src') ?? packet.first('ipv6.src');
    const packetType = packet.int('sll.pkttype');
    const receiver = packet.first('eth.dst');
    const counts: FrameCounts = { source, outgoing: packetType === SLL_OUTGOING };
    if ((receiver !== undefined && isGroupAddress(receiver)) || SLL_GROUP.has(packetType ?? -1))
      counts.groupDestination = packet.first('ip.dst') ?? packet.first('ipv6.dst');
    if (counts.outgoing) return counts;
    const sender = packet.first('eth.src');
    // Linux's loopback interface frames its packets from and to 00:00:00:00:00:00: no host to tell apart there.
    if (!sender || sender === receiver) return counts;
    const interfaceId = packet.int('frame.interface_id') ?? 0;
    counts.sender = this.host(interfaceId, sender);
    if (receiver !== undefined && !isGroupAddress(receiver)) {
      counts.receiver = this.host(interfaceId, receiver);
      counts.request = isRequest(packet);
    }
    return counts;
  }

  private count(counts: FrameCounts, frame: number): void {
    const { source, sender, receiver } = counts;
    if (source) this.sources.add(source);
    if (counts.groupDestination) this.groupDestinations.add(counts.groupDestination);
    if (counts.outgoing) {
      if (source) countSource(this.outgoing, source, frame);
      return;
    }
    if (!sender) return;
    if (receiver) {
      sender.unicastFrames += 1;
      receiver.unicastFrames += 1;
      if (counts.request) sender.requests += 1;
    }
    if (source) countSource(sender.sentFrom, source, frame);
  }

  private host(interfaceId: number, mac: string): LinkHost {
    let onInterface = this.hosts.get(interfaceId);
    if (!onInterface) this.hosts.set(interfaceId, (onInterface = new Map<string, LinkHost>()));
    let host = onInterface.get(mac);
    if (!host) onInterface.set(mac, (host = { interfaceId, mac, unicastFrames: 0, sentFrom: new Map(), requests: 0 }));
    return host;
  }

  finish(): LinkHosts {
    const groupDestinations = new Set([...this.groupDestinations].filter((ip) => !this.sources.has(ip)));
    const ethernet = [...this.hosts.values()].flatMap((onInterface) => [...onInterface.values()]);
    return { outgoing: this.outgoing, ethernet, groupDestinations };
  }
}

/** What one frame counts for: its IP source, a group destination, and the hosts that sent and (unicast) received it. */
interface FrameCounts {
  source?: string;
  groupDestination?: string;
  /** Marked by Linux cooked capture as sent by the capturing host. */
  outgoing: boolean;
  sender?: LinkHost;
  receiver?: LinkHost;
  /** A client's request (isRequest), sent unicast. */
  request?: boolean;
}

function countSource(sources: Map<string, SourceAddress>, ip: string, frame: number): void {
  const seen = sources.get(ip);
  if (seen) seen.frames += 1;
  else sources.set(ip, { frames: 1, firstFrame: frame });
}

/**
 * A frame only a client sends: a TCP SYN without ACK (RFC 9293 §3.5), a TLS ClientHello (handshake type 1), a
 * DNS query (QR bit 0), a STUN request (class bits C1 C0 = 00 in the message type, RFC 8489 §5).
 */
function isRequest(packet: PacketRecord): boolean {
  if (packet.flag('tcp.flags.syn') && !packet.flag('tcp.flags.ack')) return true;
  if (packet.ints('tls.handshake.type').includes(1)) return true;
  if (packet.flag('dns.flags.response') === false) return true;
  const stunType = packet.int('stun.type');
  return stunType !== undefined && (stunType & 0x0110) === 0;
}

/** The I/G bit (the least significant bit of the first octet) marks multicast and broadcast MAC addresses. */
function isGroupAddress(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
