import { classifyAddress } from '../knowledge/ranges.js';
import type { ModelFlow } from '../model/flows.js';

/**
 * Protocols that stay on the local link by their specifications, as tshark names them: NetBIOS name and
 * datagram services (RFC 1002), LLMNR (RFC 4795), mDNS (RFC 6762), SSDP (UPnP Device Architecture 2.0 §1),
 * DHCP (RFC 2131), DHCPv6 (RFC 8415), AllJoyn's name service, Dropbox's LAN sync discovery and BitTorrent's
 * local service discovery (BEP 14). Their answers are often unicast (LLMNR, NBNS, SSDP), so the protocol, not
 * the destination, marks them.
 */
const NEIGHBOUR_PROTOCOLS: ReadonlySet<string> = new Set([
  'nbns',
  'nbdgm',
  'llmnr',
  'mdns',
  'ssdp',
  'dhcp',
  'dhcpv6',
  'ajns',
  'db-lsp-disc',
  'lsd',
]);

/** WS-Discovery's port (OASIS WS-Discovery 1.1 §2.4): tshark 4.0 has no dissector for its unicast answers. */
const WS_DISCOVERY_PORT = 3702;

const GROUP_SCOPES: ReadonlySet<string> = new Set(['multicast', 'broadcast']);
/** 0.0.0.0 and :: are a host that has no address yet (a DHCP Discover), not a host of its own. */
const NO_HOST_SCOPES: ReadonlySet<string> = new Set([...GROUP_SCOPES, 'unspecified', 'loopback']);

/** Whether an address is a group's (multicast, broadcast, or one the link layer sent to a group MAC). */
export function groupAddresses(groupDestinations: ReadonlySet<string>): (ip: string) => boolean {
  return (ip) => groupDestinations.has(ip) || GROUP_SCOPES.has(classifyAddress(ip).scope);
}

/** What an address seen only in neighbour traffic did: the protocols (or group addresses) and its first frame. */
export interface NeighbourTraffic {
  what: Set<string>;
  firstFrame: number;
}

/**
 * The addresses seen only in local-link neighbour traffic: every flow they take part in goes to a group
 * address (multicast, broadcast, or a destination the link layer sent to a group MAC) or carries a
 * local-link discovery protocol, and they send at least one packet themselves. Never a unicast conversation
 * with the capturing host or a server: printers, TVs and phones announcing themselves or answering a
 * name query.
 */
export function neighbourOnlyAddresses(
  flows: readonly ModelFlow[],
  groupDestinations: ReadonlySet<string>,
): Map<string, NeighbourTraffic> {
  const isGroup = groupAddresses(groupDestinations);
  const conversing = new Set<string>();
  const neighbours = new Map<string, NeighbourTraffic>();
  for (const flow of flows) {
    const what = neighbourTraffic(flow, isGroup);
    const sides = [
      { ip: flow.client.ip, sent: flow.clientToServer.packets },
      { ip: flow.server.ip, sent: flow.serverToClient.packets },
    ];
    for (const { ip, sent } of sides) {
      if (!what) {
        conversing.add(ip);
        continue;
      }
      if (sent === 0) continue;
      const seen = neighbours.get(ip);
      if (seen) {
        for (const w of what) seen.what.add(w);
        seen.firstFrame = Math.min(seen.firstFrame, flow.firstFrame);
      } else neighbours.set(ip, { what: new Set(what), firstFrame: flow.firstFrame });
    }
  }
  for (const ip of neighbours.keys())
    if (conversing.has(ip) || isGroup(ip) || NO_HOST_SCOPES.has(classifyAddress(ip).scope)) neighbours.delete(ip);
  return neighbours;
}

/** The discovery protocols a flow carries, or the group it goes to; undefined for any other flow. */
function neighbourTraffic(flow: ModelFlow, isGroup: (ip: string) => boolean): string[] | undefined {
  const protocols = flow.protocols.filter((p) => NEIGHBOUR_PROTOCOLS.has(p));
  if (protocols.length) return protocols;
  if (flow.transport === 'udp' && [flow.client.port, flow.server.port].includes(WS_DISCOVERY_PORT))
    return ['ws-discovery'];
  if (isGroup(flow.server.ip)) return [`to ${flow.server.ip}`];
  return undefined;
}
