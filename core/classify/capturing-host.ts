import type { ModelFlow } from '../model/flows.js';
import type { LinkHost, LinkHosts, SourceAddress } from '../model/link-hosts.js';
import { REFLEXIVE_ADDRESS_ATTRIBUTES } from '../model/stun-registry.js';
import type { DnsTransaction, StunMessage, TlsHandshake } from '../schema/generated/report.js';
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
 *   tie with it is the far end of all its traffic (the gateway, or the one peer): the host sends the requests
 *   (SYNs, ClientHellos, DNS queries, STUN requests) where the gateway forwards the answers, and sends from its
 *   own few IP addresses where a gateway forwards from many. The host is confirmed by those requests: a MAC
 *   that another MAC out-asks is not the capturing host (a gateway seen from a mirror port). A tie even there,
 *   a MAC on no more than half the unicast frames (a capture of a mirror port) or one that sends from many
 *   addresses (a capture on a router) decides nothing on that interface.
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
  const macs = hosts
    .map((host) => `${host.mac} (on ${host.share} % of the unicast frames)${requestsSent(host)}`)
    .join(', ');
  return { addresses, how: `sends from the capturing host's MAC address ${macs}` };
}

interface HostOnInterface extends LinkHost {
  /** Its share of the interface's unicast frames, in %. */
  share: number;
  /** The requests every MAC of the interface sent. */
  allRequests: number;
}

function hostOnInterface(hosts: LinkHost[]): HostOnInterface | undefined {
  const ranked = hosts
    .filter((host) => host.unicastFrames > 0)
    .sort((a, b) => b.unicastFrames - a.unicastFrames || b.requests - a.requests || a.sentFrom.size - b.sentFrom.size);
  const [top, second] = ranked;
  if (!top || top.sentFrom.size === 0 || top.sentFrom.size > MAX_OWN_ADDRESSES) return undefined;
  if (
    second &&
    second.unicastFrames === top.unicastFrames &&
    second.requests === top.requests &&
    second.sentFrom.size === top.sentFrom.size
  )
    return undefined;
  const unicastFrames = ranked.reduce((sum, host) => sum + host.unicastFrames, 0) / 2;
  if (top.unicastFrames * 2 <= unicastFrames) return undefined;
  if (ranked.some((host) => host.requests > top.requests)) return undefined;
  const allRequests = ranked.reduce((sum, host) => sum + host.requests, 0);
  return { ...top, share: Math.round((top.unicastFrames / unicastFrames) * 100), allRequests };
}

function requestsSent({ requests, allRequests }: HostOnInterface): string {
  return allRequests
    ? `, which sends ${requests} of the ${allRequests} SYNs, ClientHellos, DNS queries and STUN requests`
    : '';
}

function withoutUnspecified(sources: Map<string, SourceAddress>): Map<string, SourceAddress> {
  return new Map([...sources].filter(([ip]) => !UNSPECIFIED.has(ip)));
}

/** What the capture shows each address do that a client does, for where the link layer decides nothing. */
export interface RequestSenderInputs {
  flows: readonly ModelFlow[];
  tls: readonly TlsHandshake[];
  dns: readonly DnsTransaction[];
  stun: readonly StunMessage[];
  /** TURN relays' addresses (classify/nat.ts relayFrames). */
  relays: ReadonlyMap<string, unknown>;
}

/** What a client does that shows above the link layer. */
export type ClientAct = 'syn' | 'client-hello' | 'dns-query' | 'turn-request' | 'turn-mapped';

/** Each act as the evidence says it. */
export const CLIENT_ACTS: Readonly<Record<ClientAct, string>> = {
  syn: 'opens TCP connections',
  'client-hello': 'sends ClientHellos',
  'dns-query': 'queries DNS servers',
  'turn-request': 'sends requests to a TURN relay',
  'turn-mapped': "is the address a TURN relay's response maps (XOR-MAPPED-ADDRESS)",
};

/**
 * The addresses that act as the client, above the link layer (a raw-IP capture has none): they open TCP
 * connections (SYN), send TLS or QUIC ClientHellos, query DNS servers on port 53, and send requests to a TURN
 * relay; and the address a relay's STUN success response maps (XOR-MAPPED-ADDRESS: where the relay saw the
 * request come from, the host's own when no NAT is between). Not DTLS, whose client may be either end of a
 * call, nor ICE checks, which peers send both ways.
 */
export function requestSenders({ flows, tls, dns, stun, relays }: RequestSenderInputs): Map<string, Set<ClientAct>> {
  const senders = new Map<string, Set<ClientAct>>();
  const note = (ip: string, act: ClientAct) => {
    let acts = senders.get(ip);
    if (!acts) senders.set(ip, (acts = new Set()));
    acts.add(act);
  };
  for (const f of flows) if (f.clientBy === 'syn') note(f.client.ip, 'syn');
  for (const h of tls) if (h.clientHello && h.protocol !== 'dtls') note(h.client.ip, 'client-hello');
  for (const t of dns) if (t.queryFrame !== undefined && t.server.port === 53) note(t.client.ip, 'dns-query');
  for (const m of stun) {
    if (m.class === 'request' && relays.has(m.destination.ip)) note(m.source.ip, 'turn-request');
    if (m.class === 'success' && relays.has(m.source.ip))
      for (const a of m.addresses)
        if (a.attribute && REFLEXIVE_ADDRESS_ATTRIBUTES.has(a.attribute.code)) note(a.ip, 'turn-mapped');
  }
  return senders;
}
