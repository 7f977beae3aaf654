import type { Endpoint } from '../schema/generated/report.js';
import { perSharedLayers, perStack, type PacketRecord } from '../tshark/record.js';

export const ADDRESSING_FIELDS = [
  'frame.protocols',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.stream',
  'tcp.srcport',
  'tcp.dstport',
  'udp.stream',
  'udp.srcport',
  'udp.dstport',
] as const;

/** Where a packet goes at its innermost transport layer, and which tshark stream it belongs to. */
export interface PacketAddressing {
  transport: 'tcp' | 'udp';
  stream: number;
  flowId: string;
  source: Endpoint;
  destination: Endpoint;
}

/**
 * Reads a packet's addresses. Tunnels (IP-in-IP, VXLAN, Teredo) put several IP and UDP layers in one frame:
 * the innermost transport and the IP layer just outside it are the ones that describe the conversation.
 * Packets quoted inside ICMP errors are not part of the flow they quote, so they get no addressing.
 */
export function addressingOf(packet: PacketRecord): PacketAddressing | undefined {
  // Every collector asks for the same packet's addressing in turn: computed once per packet.
  if (packet !== lastPacket) {
    lastPacket = packet;
    lastAddressing = sharedAddressing(packet);
  }
  return lastAddressing;
}

/**
 * Records the media fast path makes (core/media/fast-path.ts) inherit every field addressing reads — stack,
 * addresses, ports, stream — from their kind's template: one addressing per template serves all its packets.
 */
const sharedAddressing = perSharedLayers(readAddressing);

let lastPacket: PacketRecord | undefined;
let lastAddressing: PacketAddressing | undefined;

/** The address fields of each layer, named once (a name built per packet costs a string hash on every lookup). */
const IP_FIELDS = { ip: { src: 'ip.src', dst: 'ip.dst' }, ipv6: { src: 'ipv6.src', dst: 'ipv6.dst' } } as const;
const TRANSPORT_FIELDS = {
  tcp: { stream: 'tcp.stream', srcport: 'tcp.srcport', dstport: 'tcp.dstport' },
  udp: { stream: 'udp.stream', srcport: 'udp.srcport', dstport: 'udp.dstport' },
} as const;

/** Where the innermost transport layer (TCP or UDP) sits in a protocol stack, -1 without one: the layer addressingOf reads. */
export function innermostTransport(stack: readonly string[]): number {
  return Math.max(stack.lastIndexOf('tcp'), stack.lastIndexOf('udp'));
}

/** Which layers address a packet with this stack: the innermost transport and the IP layer outside it; undefined when none do. */
const addressingLayers = perStack((stack) => {
  const transportIndex = innermostTransport(stack);
  if (transportIndex < 0) return undefined;
  const outer = stack.slice(0, transportIndex);
  if (outer.includes('icmp') || outer.includes('icmpv6')) return undefined;
  const transport = stack[transportIndex] as 'tcp' | 'udp';
  return {
    transport,
    ip: IP_FIELDS[outer.lastIndexOf('ipv6') > outer.lastIndexOf('ip') ? 'ipv6' : 'ip'],
    ports: TRANSPORT_FIELDS[transport],
  };
});

function readAddressing(packet: PacketRecord): PacketAddressing | undefined {
  const layers = addressingLayers(packet.protocols);
  if (!layers) return undefined;
  const { transport, ip, ports } = layers;
  const sourceIp = last(packet.values(ip.src));
  const destinationIp = last(packet.values(ip.dst));
  const stream = last(packet.ints(ports.stream));
  const sourcePort = last(packet.ints(ports.srcport));
  const destinationPort = last(packet.ints(ports.dstport));
  if (sourceIp === undefined || destinationIp === undefined || stream === undefined) return undefined;
  return {
    transport,
    stream,
    flowId: `${transport}:${stream}`,
    source: endpoint(sourceIp, sourcePort),
    destination: endpoint(destinationIp, destinationPort),
  };
}

export function endpoint(ip: string, port: number | undefined): Endpoint {
  return port === undefined ? { ip } : { ip, port };
}

export function sameEndpoint(a: Endpoint, b: Endpoint): boolean {
  return a.ip === b.ip && a.port === b.port;
}

export function formatEndpoint(e: Endpoint): string {
  const host = e.ip.includes(':') ? `[${e.ip}]` : e.ip;
  return e.port === undefined ? host : `${host}:${e.port}`;
}

function last<T>(values: readonly T[]): T | undefined {
  return values[values.length - 1];
}
