import type { LinkHost, LinkHosts, SourceAddress } from '../model/link-hosts.js';
import { groupBy } from '../util/collections.js';

const UNSPECIFIED = new Set(['0.0.0.0', '::']);

/**
 * A host has a few addresses of its own (IPv4, global and temporary IPv6, link-local, unique-local); a MAC
 * that sends from more is a router forwarding others' traffic.
 */
const MAX_OWN_ADDRESSES = 8;

/** The host the capture was taken on: its IP addresses (IPv4 and IPv6 together) and how that was decided. */
export interface CapturingHost {
  addresses: Map<string, SourceAddress>;
  /** How it was decided, for the addresses' evidence. */
  how: string;
}

/**
 * Decides the capturing host from who sent the frames, not from address ranges (a host on a public address, or
 * a LAN neighbour's broadcasts, fool a rule that asks which addresses are private):
 * - a Linux cooked capture marks the frames the host sent (sll.pkttype 4, "outgoing");
 * - on Ethernet (wired, or Wi-Fi as the host's own driver hands it over) the host's MAC address is on every
 *   unicast frame it sends or receives on that interface, so on more than any other MAC. The one MAC that can
 *   tie with it is the far end of all its traffic (the gateway, or the one peer): the host sends from its own
 *   few IP addresses, a gateway forwards from many. A tie even there, a MAC on no more than half the unicast
 *   frames (a capture of a mirror port) or one that sends from many addresses (a capture on a router)
 *   decides nothing on that interface.
 * Undefined when the capture does not say (raw IP, PPP, 802.11 monitor mode, or no interface decided).
 */
export function capturingHost(link: LinkHosts): CapturingHost | undefined {
  if (link.outgoing.size > 0)
    return {
      addresses: withoutUnspecified(link.outgoing),
      how: 'sends frames the Linux cooked capture marks as sent by the capturing host (sll.pkttype 4, outgoing)',
    };
  const hosts = [...groupBy(link.ethernet, (host) => String(host.interfaceId)).values()].flatMap(
    (onInterface) => hostOnInterface(onInterface) ?? [],
  );
  if (hosts.length === 0) return undefined;
  const addresses = new Map<string, SourceAddress>();
  for (const host of hosts)
    for (const [ip, sent] of withoutUnspecified(host.sentFrom)) if (!addresses.has(ip)) addresses.set(ip, sent);
  const macs = hosts.map((host) => `${host.mac} (on ${host.share} % of the unicast frames)`).join(', ');
  return { addresses, how: `sends from the capturing host's MAC address ${macs}` };
}

function hostOnInterface(hosts: LinkHost[]): (LinkHost & { share: number }) | undefined {
  const ranked = hosts
    .filter((host) => host.unicastFrames > 0)
    .sort((a, b) => b.unicastFrames - a.unicastFrames || a.sentFrom.size - b.sentFrom.size);
  const [top, second] = ranked;
  if (!top || top.sentFrom.size === 0 || top.sentFrom.size > MAX_OWN_ADDRESSES) return undefined;
  if (second && second.unicastFrames === top.unicastFrames && second.sentFrom.size === top.sentFrom.size)
    return undefined;
  const unicastFrames = ranked.reduce((sum, host) => sum + host.unicastFrames, 0) / 2;
  if (top.unicastFrames * 2 <= unicastFrames) return undefined;
  return { ...top, share: Math.round((top.unicastFrames / unicastFrames) * 100) };
}

function withoutUnspecified(sources: Map<string, SourceAddress>): Map<string, SourceAddress> {
  return new Map([...sources].filter(([ip]) => !UNSPECIFIED.has(ip)));
}
