import type { Endpoint, NatSummary, StunMessage, TlsHandshake } from '../schema/generated/report.js';
import { formatEndpoint } from '../model/addressing.js';
import { allocationCount, turnAllocations, turnMessages } from '../model/turn.js';
import { REFLEXIVE_ADDRESS_ATTRIBUTES } from '../model/stun-registry.js';
import type { NameIndex } from '../summaries/names.js';
import { appendTo } from '../util/collections.js';

/** Relay servers by address, with the frames of the TURN messages they took part in (over UDP, or over TCP in pseudo-TLS). */
export function relayFrames(stun: readonly StunMessage[], tls: readonly TlsHandshake[] = []): Map<string, number[]> {
  const relays = new Map<string, number[]>();
  for (const { message, server } of turnMessages(stun)) appendTo(relays, server.ip, [message.frame]);
  for (const h of tls)
    if (h.pseudoTls) appendTo(relays, h.server.ip, [h.clientHello!.frame, ...h.pseudoTls.stunFrames]);
  return relays;
}

function relayTransport(flowId: string, port: number): NatSummary['relays'][number]['transport'] {
  if (!flowId.startsWith('tcp:')) return 'udp';
  return port === 443 ? 'tcp-443' : 'tcp';
}

/**
 * How the client crosses its NAT: the public addresses STUN servers and peers saw it come from (when they
 * differ from the address the answer is delivered to, a NAT translated it), and the TURN relays it used.
 */
export function summarizeNat(
  stun: readonly StunMessage[],
  clients: Set<string>,
  names: NameIndex,
  malformedFrames: ReadonlySet<number>,
  tls: readonly TlsHandshake[] = [],
): NatSummary {
  const publicAddresses = new Map<string, NatSummary['publicAddresses'][number]>();
  for (const message of stun) {
    if (message.class !== 'success') continue;
    for (const address of message.addresses) {
      if (
        !address.attribute ||
        !REFLEXIVE_ADDRESS_ATTRIBUTES.has(address.attribute.code) ||
        address.ip === message.destination.ip
      )
        continue;
      let entry = publicAddresses.get(address.ip);
      if (!entry)
        publicAddresses.set(
          address.ip,
          (entry = { ip: address.ip, ports: [], privateAddresses: [], learnedFrom: [], frames: [] }),
        );
      if (!entry.ports.includes(address.port)) entry.ports.push(address.port);
      if (!entry.privateAddresses.includes(message.destination.ip)) entry.privateAddresses.push(message.destination.ip);
      if (!entry.learnedFrom.some((e) => formatEndpoint(e) === formatEndpoint(message.source)))
        entry.learnedFrom.push(message.source);
      entry.frames.push(message.frame);
    }
  }

  const relays = new Map<string, NatSummary['relays'][number]>();
  const relayEntry = (server: Endpoint, transport: NatSummary['relays'][number]['transport']) => {
    const key = `${transport}|${formatEndpoint(server)}`;
    let relay = relays.get(key);
    if (!relay) {
      const relayNames = [...new Set(names.namesOf(server.ip).map((s) => s.name))];
      relays.set(
        key,
        (relay = {
          ip: server.ip,
          port: server.port ?? 0,
          transport,
          names: relayNames,
          allocations: 0,
          messages: 0,
          frames: [],
        }),
      );
    }
    return relay;
  };
  const messagesOf = new Map<NatSummary['relays'][number], StunMessage[]>();
  for (const { message, server } of turnMessages(stun)) {
    if (clients.has(server.ip)) continue;
    const relay = relayEntry(server, relayTransport(message.flowId, server.port ?? 0));
    relay.messages++;
    appendTo(messagesOf, relay, [message]);
    if (relay.frames.length < 20) relay.frames.push(message.frame);
  }
  // Counted as the TURN findings count them: distinct relayed transport addresses (core/model/turn.ts).
  for (const [relay, messages] of messagesOf) relay.allocations = allocationCount(turnAllocations(messages));
  // MS-TURN inside the relays' pseudo-TLS on TCP: tshark cannot decode the messages, so they are counted, not read.
  for (const h of tls) {
    if (!h.pseudoTls) continue;
    const relay = relayEntry(h.server, relayTransport(h.flowId, h.server.port ?? 0));
    relay.messages += h.pseudoTls.stunFrames.length;
    relay.frames.push(
      ...[h.clientHello!.frame, ...h.pseudoTls.stunFrames].slice(0, Math.max(0, 20 - relay.frames.length)),
    );
  }

  return {
    behindNat: publicAddresses.size > 0,
    publicAddresses: [...publicAddresses.values()],
    relays: [...relays.values()],
    malformedMessages: stun.filter((m) => malformedFrames.has(m.frame)).length,
  };
}
