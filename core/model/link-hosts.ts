import type { PacketRecord } from '../tshark/record.js';
import type { Collector } from './collector.js';

/** Linux cooked capture's packet type (sll.pkttype) for a frame the capturing host sent. */
const SLL_OUTGOING = 4;

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
}

export class LinkHostsCollector implements Collector<LinkHosts> {
  readonly fields = ['frame.interface_id', 'eth.src', 'eth.dst', 'sll.pkttype', 'ip.src', 'ipv6.src'];

  private readonly outgoing = new Map<string, SourceAddress>();
  private readonly hosts = new Map<string, LinkHost>();

  add(packet: PacketRecord): void {
    const source = packet.first('ip.src') ?? packet.first('ipv6.src');
    if (packet.int('sll.pkttype') === SLL_OUTGOING) {
      if (source) countSource(this.outgoing, source, packet.frame);
      return;
    }
    const sender = packet.first('eth.src');
    const receiver = packet.first('eth.dst');
    // Linux's loopback interface frames its packets from and to 00:00:00:00:00:00: no host to tell apart there.
    if (!sender || sender === receiver) return;
    const interfaceId = packet.int('frame.interface_id') ?? 0;
    const unicast = receiver !== undefined && !isGroupAddress(receiver);
    const senderHost = this.host(interfaceId, sender);
    if (unicast) {
      senderHost.unicastFrames += 1;
      this.host(interfaceId, receiver).unicastFrames += 1;
    }
    if (source) countSource(senderHost.sentFrom, source, packet.frame);
  }

  private host(interfaceId: number, mac: string): LinkHost {
    const key = `${interfaceId} ${mac}`;
    let host = this.hosts.get(key);
    if (!host) this.hosts.set(key, (host = { interfaceId, mac, unicastFrames: 0, sentFrom: new Map() }));
    return host;
  }

  finish(): LinkHosts {
    return { outgoing: this.outgoing, ethernet: [...this.hosts.values()] };
  }
}

function countSource(sources: Map<string, SourceAddress>, ip: string, frame: number): void {
  const seen = sources.get(ip);
  if (seen) seen.frames += 1;
  else sources.set(ip, { frames: 1, firstFrame: frame });
}

/** The I/G bit (the least significant bit of the first octet) marks multicast and broadcast MAC addresses. */
function isGroupAddress(mac: string): boolean {
  return (parseInt(mac.slice(0, 2), 16) & 1) === 1;
}
