import { isHostingPlatform, platformForName, serviceForName, type CatalogMatch } from '../knowledge/catalog.js';
import { classifyAddress } from '../knowledge/ranges.js';
import type { AddressRole, Evidence } from '../schema/generated/report.js';
import type { ModelFlow } from '../model/flows.js';
import { CLIENT_ACTS, type CapturingHost, type ClientAct } from './capturing-host.js';
import { groupAddresses, neighbourOnlyAddresses } from './neighbours.js';
import type { NameIndex, NameSighting } from '../summaries/names.js';

const LOCAL_SCOPES: ReadonlySet<string> = new Set(['private', 'shared', 'unique-local', 'link-local']);
const CDN_PLATFORMS = /akamai|cdn|front door/i;

export function isLocalAddress(ip: string): boolean {
  return LOCAL_SCOPES.has(classifyAddress(ip).scope);
}

export interface AddressInputs {
  flows: readonly ModelFlow[];
  names: NameIndex;
  /** Flows that carry media or connectivity checks (RTP, STUN). */
  mediaFlows: Set<string>;
  /** Server addresses of TURN allocations and relay traffic. */
  relays: Map<string, number[]>;
  /** The host the capture was taken on, where the link layer says (core/classify/capturing-host.ts). */
  capturingHost?: CapturingHost;
  /** Addresses that act as a client, each with what it did (capturing-host.ts requestSenders): where the link layer does not say. */
  requestSenders?: ReadonlyMap<string, ReadonlySet<ClientAct>>;
  /** IP destinations the link layer sent to a group MAC (core/model/link-hosts.ts): directed broadcasts. */
  groupDestinations?: ReadonlySet<string>;
}

interface Tally {
  packets: number;
  bytes: number;
  flows: number;
  asClient: number;
  /** TCP connections it opened, and answered, by SYN. */
  synOpened: number;
  synAnswered: number;
  firstFrame: number;
}

/**
 * A role for every address: the capturing client(s), LAN peers, Microsoft cloud and relays, CDNs, public
 * peers, DNS resolvers, other. What the capture shows (DNS names, TURN, media) decides before ranges do.
 */
export function classifyAddresses(inputs: AddressInputs): { roles: AddressRole[]; clients: Set<string> } {
  const tallies = new Map<string, Tally>();
  for (const flow of inputs.flows) {
    for (const side of [flow.client, flow.server]) {
      let tally = tallies.get(side.ip);
      if (!tally)
        tallies.set(
          side.ip,
          (tally = {
            packets: 0,
            bytes: 0,
            flows: 0,
            asClient: 0,
            synOpened: 0,
            synAnswered: 0,
            firstFrame: flow.firstFrame,
          }),
        );
      tally.packets += flow.packets;
      tally.bytes += flow.bytes;
      tally.flows++;
      if (side === flow.client) tally.asClient++;
      if (flow.clientBy === 'syn') tally[side === flow.client ? 'synOpened' : 'synAnswered']++;
    }
  }
  const groupDestinations = inputs.groupDestinations ?? new Set<string>();
  const neighbours = neighbourOnlyAddresses(inputs.flows, groupDestinations);
  const isGroup = groupAddresses(groupDestinations);
  // A relay, a server or a neighbour announcing itself is never the client, whoever sent a flow's first packet.
  const mayBeClient = (ip: string) =>
    !inputs.relays.has(ip) &&
    !neighbours.has(ip) &&
    !isGroup(ip) &&
    !isServerOnly(tallies.get(ip)) &&
    !isNamedServer(ip, inputs.names);
  const host = inputs.capturingHost;
  // The host's own addresses open flows; a forwarded server's do not (a capture taken on a router). A relay or
  // a named server is never the host, though its MAC sent the most requests (a one-direction capture of a
  // relay forwarding a peer's connectivity checks).
  const hostAddresses = host
    ? [...host.addresses.keys()].filter(
        (ip) => (tallies.get(ip)?.asClient ?? 0) > 0 && !inputs.relays.has(ip) && !isNamedServer(ip, inputs.names),
      )
    : [];
  // Where the link layer decides nothing: how many flows each client is the client's end of.
  const requestSenders = inputs.requestSenders ?? new Map<string, ReadonlySet<ClientAct>>();
  const clientEnds = hostAddresses.length
    ? new Map<string, number>()
    : chooseClients(inputs.flows, mayBeClient, requestSenders);
  const clients = hostAddresses.length ? new Set(hostAddresses) : new Set(clientEnds.keys());
  const resolvers = new Set(
    inputs.flows.filter((f) => f.protocols.includes('dns') && f.server.port === 53).map((f) => f.server.ip),
  );
  const mediaPeers = new Set(
    inputs.flows
      .filter((f) => inputs.mediaFlows.has(f.id))
      .flatMap((f) => [f.client.ip, f.server.ip].filter((ip) => !clients.has(ip))),
  );

  const roles = [...tallies.entries()].map(([ip, tally]): AddressRole => {
    const address = classifyAddress(ip);
    const sightings = inputs.names.namesOf(ip);
    const names = [...new Set(sightings.map((s) => s.name))];
    const matches = rankedMatches(sightings);
    const evidence: Evidence[] = [];
    const role = ((): AddressRole['role'] => {
      if (clients.has(ip)) {
        const sent = host?.addresses.get(ip);
        evidence.push(
          sent
            ? { kind: 'traffic', detail: host!.how, frames: [sent.firstFrame] }
            : {
                kind: 'traffic',
                detail: clientEvidence(tally, clientEnds.get(ip) ?? 0, requestSenders.get(ip)),
                frames: [tally.firstFrame],
              },
        );
        return 'client';
      }
      const relayFrames = inputs.relays.get(ip);
      if (relayFrames) {
        evidence.push({ kind: 'stun', detail: 'answers TURN requests (relay)', frames: relayFrames.slice(0, 10) });
        return 'relay';
      }
      if (LOCAL_SCOPES.has(address.scope) && mediaPeers.has(ip)) {
        evidence.push({
          kind: 'traffic',
          detail: `${address.scope} address exchanging media or connectivity checks with the client`,
          frames: [tally.firstFrame],
        });
        return 'lan-peer';
      }
      const neighbour = neighbours.get(ip);
      if (neighbour) {
        evidence.push({
          kind: 'traffic',
          detail: `seen only in local-link neighbour traffic (${[...neighbour.what].join(', ')}), never in a unicast conversation`,
          frames: [neighbour.firstFrame],
        });
        return 'lan-neighbour';
      }
      const matched = matches[0];
      if (matched) {
        evidence.push({
          kind: matched.s.via,
          detail: `${matched.s.name} (${matched.match.pattern})`,
          frames: matched.s.frames.slice(0, 5),
        });
        // An edge of a CDN or of Azure Front Door serves the name from the nearest point of presence.
        const platform = sightings.map((s) => platformForName(s.name)).find((p) => p && CDN_PLATFORMS.test(p));
        if (platform)
          evidence.push({
            kind: 'dns-answer',
            detail: `served through ${platform}`,
            frames: matched.s.frames.slice(0, 5),
          });
        return matched.match.service === 'cdn' || platform ? 'cdn' : 'microsoft';
      }
      if (address.microsoft) {
        evidence.push({
          kind: 'address-range',
          detail: `in ${address.microsoft.prefix} (Microsoft ${address.microsoft.serviceArea})`,
          frames: [tally.firstFrame],
        });
        return 'microsoft';
      }
      if (address.azure) {
        evidence.push({
          kind: 'address-range',
          detail: `in ${address.azure.prefix} (Azure, Service Tags of ${address.azure.version})`,
          frames: [tally.firstFrame],
        });
        return 'microsoft';
      }
      if (resolvers.has(ip)) {
        evidence.push({ kind: 'traffic', detail: 'answers DNS queries on port 53', frames: [tally.firstFrame] });
        return 'dns-resolver';
      }
      if (address.scope === 'public' && mediaPeers.has(ip)) {
        evidence.push({
          kind: 'traffic',
          detail: 'public address exchanging media or connectivity checks with the client',
          frames: [tally.firstFrame],
        });
        return 'public-peer';
      }
      return 'other';
    })();
    const result: AddressRole = {
      ip,
      role,
      scope: address.scope,
      names,
      packets: tally.packets,
      bytes: tally.bytes,
      flows: tally.flows,
      evidence,
    };
    if (address.microsoft) result.microsoftPrefix = address.microsoft.prefix;
    if (address.azure) result.azurePrefix = address.azure.prefix;
    if (matches[0]) result.service = matches[0].match.service;
    else if (address.azure && role === 'microsoft') result.service = 'azure';
    return result;
  });
  roles.sort((a, b) => b.bytes - a.bytes);
  return { roles, clients };
}

/**
 * The catalog's answers for an address's names, most telling first: a service over a mere hosting platform
 * (mobile.pipe.aria.microsoft.com over skypedataprdcolneu04.cloudapp.net), then what the client asked for
 * (SNI) over what DNS answered.
 */
function rankedMatches(sightings: NameSighting[]): { s: NameSighting; match: CatalogMatch }[] {
  const rank = (m: { s: NameSighting; match: CatalogMatch }) =>
    (isHostingPlatform(m.match.service) ? 2 : 0) + (m.s.via === 'sni' ? 0 : 1);
  return sightings
    .flatMap((s) => {
      const match = serviceForName(s.name);
      return match ? [{ s, match }] : [];
    })
    .sort((a, b) => rank(a) - rank(b));
}

/**
 * An address the capture or Microsoft names as a service: a name the catalog knows (an SNI, a DNS answer) or
 * Microsoft 365's published ranges, which hold Microsoft's front ends and media relays, never a customer's host.
 */
function isNamedServer(ip: string, names: NameIndex): boolean {
  return classifyAddress(ip).microsoft !== undefined || rankedMatches(names.namesOf(ip)).length > 0;
}

/** An address that answers TCP connections and opens none: a server, though it may send a UDP flow's first packet. */
function isServerOnly(tally: Tally | undefined): boolean {
  return tally !== undefined && tally.synAnswered > 0 && tally.synOpened === 0;
}

/**
 * Where the link layer does not say which host captured: the capturing host opens most of the flows, and acts
 * as a client (requestSenders: SYNs, ClientHellos, DNS queries, requests to a TURN relay, the address a relay
 * maps), whatever its address range — a host on a public address or a dual-stack one with its global IPv6. The
 * addresses that do so and open at least a fifth as many flows as the busiest (two PCs) are the clients, with
 * any a relay maps; with none, the address that opens the most flows is. Relays, servers and LAN neighbours
 * (`mayBeClient`) are never clients: where one of them sent a flow's first packet (a one-direction capture, a
 * relay's check arriving first), the other end is the client's side.
 */
function chooseClients(
  flows: readonly ModelFlow[],
  mayBeClient: (ip: string) => boolean,
  requestSenders: ReadonlyMap<string, ReadonlySet<ClientAct>>,
): Map<string, number> {
  const opened = new Map<string, number>();
  for (const flow of flows) {
    const side = [flow.client.ip, flow.server.ip].find(mayBeClient);
    if (side) opened.set(side, (opened.get(side) ?? 0) + 1);
  }
  const openers = [...opened.entries()].sort((a, b) => b[1] - a[1]);
  if (openers.length === 0) return new Map();
  const top = openers[0]![1];
  const acting = openers.filter(([ip, count]) => {
    const acts = requestSenders.get(ip);
    return acts && (count >= Math.max(2, top / 5) || acts.has('turn-mapped'));
  });
  return new Map(acting.length ? acting : [openers[0]!]);
}

/** How a client was decided where the link layer did not say: the flows it opens (see chooseClients). */
function clientEvidence(tally: Tally, clientEnd: number, acts: ReadonlySet<ClientAct> | undefined): string {
  const did = acts ? [...acts].map((act) => `, ${CLIENT_ACTS[act]}`).join('') : '';
  const opens = `the link layer does not say which host captured; it opens ${tally.asClient} of its ${tally.flows} flows${did}`;
  const answered = clientEnd - tally.asClient;
  return answered > 0
    ? `${opens}, and is the client's end of ${answered} whose first packet a server or relay sent`
    : opens;
}
