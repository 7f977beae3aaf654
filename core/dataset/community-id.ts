import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';

/**
 * The Community ID flow hash, version 1 (corelight/community-id-spec), as Zeek, Suricata, Arkime and Elastic
 * compute it for `network.community_id`: rows of this dataset join with their logs on it.
 *
 * SHA-1 over seed (2 bytes) · lower address · higher address · IP protocol (1 byte) · 0 (1 byte) · lower port
 * (2 bytes) · higher port (2 bytes), all in network byte order; "1:" and the digest in base64. ICMP and ICMPv6
 * carry type and code as ports; a request/reply pair of types hashes as one flow, any other type is one-way.
 */

/** IANA protocol numbers of the transports whose ports (or ICMP type and code) enter the hash. */
export const IP_PROTOCOL = { icmp: 1, tcp: 6, udp: 17, icmpv6: 58, sctp: 132 } as const;

const WITH_PORTS = new Set<number>(Object.values(IP_PROTOCOL));

/** ICMP types answered by another type (RFC 792, RFC 950, RFC 1256): echo, timestamp, information, router, mask. */
const ICMP_COUNTERPART = pairs([
  [8, 0],
  [13, 14],
  [15, 16],
  [10, 9],
  [17, 18],
]);

/**
 * ICMPv6 types answered by another type (RFC 4443, RFC 4861, RFC 2710, RFC 4620, RFC 6275): echo, router and
 * neighbour discovery, multicast listener query/report, node information, home agent address discovery.
 */
const ICMPV6_COUNTERPART = pairs([
  [128, 129],
  [133, 134],
  [135, 136],
  [130, 131],
  [139, 140],
  [144, 145],
]);

function pairs(list: [number, number][]): Map<number, number> {
  return new Map(list.flatMap(([a, b]) => [[a, b] as const, [b, a] as const]));
}

export interface FlowTuple {
  /** IANA protocol number. */
  protocol: number;
  sourceIp: string;
  destinationIp: string;
  /** Port, or ICMP type; absent for protocols without ports. */
  sourcePort?: number;
  /** Port, or ICMP code. */
  destinationPort?: number;
}

/** The Community ID v1 of a flow, e.g. "1:LQU9qZlK+B5F3KDmev6m5PMibrg="; seed 0 unless the sensors agree on another. */
export function communityId(flow: FlowTuple, seed = 0): string {
  let source = Buffer.from(ipaddr.parse(flow.sourceIp).toByteArray());
  let destination = Buffer.from(ipaddr.parse(flow.destinationIp).toByteArray());
  const hasPorts = WITH_PORTS.has(flow.protocol) && flow.sourcePort !== undefined && flow.destinationPort !== undefined;
  let sourcePort = flow.sourcePort ?? 0;
  let destinationPort = flow.destinationPort ?? 0;
  let oneWay = false;
  const counterparts =
    flow.protocol === IP_PROTOCOL.icmp
      ? ICMP_COUNTERPART
      : flow.protocol === IP_PROTOCOL.icmpv6
        ? ICMPV6_COUNTERPART
        : undefined;
  if (counterparts && hasPorts) {
    const counterpart = counterparts.get(sourcePort);
    if (counterpart === undefined) oneWay = true;
    else destinationPort = counterpart;
  }
  const order = Buffer.compare(source, destination);
  if (!oneWay && (order > 0 || (order === 0 && sourcePort > destinationPort))) {
    [source, destination] = [destination, source];
    [sourcePort, destinationPort] = [destinationPort, sourcePort];
  }
  const head = Buffer.alloc(2);
  head.writeUInt16BE(seed);
  const parts = [head, source, destination, Buffer.from([flow.protocol, 0])];
  if (hasPorts) {
    const ports = Buffer.alloc(4);
    ports.writeUInt16BE(sourcePort, 0);
    ports.writeUInt16BE(destinationPort, 2);
    parts.push(ports);
  }
  return `1:${createHash('sha1').update(Buffer.concat(parts)).digest('base64')}`;
}
