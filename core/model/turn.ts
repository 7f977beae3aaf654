import type { Endpoint, StunMessage } from '../schema/generated/report.js';
import { formatEndpoint } from './addressing.js';
import { RELAYED_ADDRESS_ATTRIBUTES } from './stun-registry.js';

/** TURN methods: a server that handles them is a relay, not a mere STUN server. */
const TURN_METHODS: ReadonlySet<string> = new Set([
  'Allocate',
  'Refresh',
  'Send',
  'Data',
  'CreatePermission',
  'ChannelBind',
  'ChannelData',
]);

export function isTurn(message: StunMessage): boolean {
  return (
    TURN_METHODS.has(message.method ?? '') ||
    (message.protocol === 'classicstun' && /Data|Send|Allocate/.test(message.type.name ?? ''))
  );
}

/** A TURN message with the relay's end of it. */
export interface TurnMessage {
  message: StunMessage;
  server: Endpoint;
}

/**
 * The TURN messages of a capture, each with its relay end. Requests and Send indications go to the relay;
 * responses and Data indications come from it (RFC 8656 §§ 7–11). ChannelData (RFC 8656 §12.4) travels both
 * ways and says nothing of its direction: its relay is the end that acts as the relay in the capture's other
 * TURN messages (the endpoint, else the address, the Allocate and ChannelBind went to); where the capture holds none of them, the end
 * on the lower port, as a server listens on its registered port (3478, 5349 or 443: RFC 8656 §4) and a
 * client sends from an ephemeral one. Where the ports tie, the message names no relay.
 */
export function turnMessages(stun: readonly StunMessage[]): TurnMessage[] {
  const turn = stun.filter(isTurn);
  const servers = new Set<string>();
  for (const message of turn) {
    const server = directedServer(message);
    if (server) servers.add(formatEndpoint(server)).add(server.ip);
  }
  return turn.flatMap((message) => {
    const server = directedServer(message) ?? channelDataServer(message, servers);
    return server ? [{ message, server }] : [];
  });
}

function directedServer(message: StunMessage): Endpoint | undefined {
  if (message.method === 'ChannelData') return undefined;
  const toServer = message.class === 'request' || (message.class === 'indication' && message.method === 'Send');
  return toServer ? message.destination : message.source;
}

function channelDataServer(message: StunMessage, servers: ReadonlySet<string>): Endpoint | undefined {
  const ends = [message.source, message.destination];
  const known = ends.find((end) => servers.has(formatEndpoint(end))) ?? ends.find((end) => servers.has(end.ip));
  if (known) return known;
  const [source, destination] = ends.map((end) => end.port ?? 0) as [number, number];
  if (source === destination) return undefined;
  return source < destination ? message.source : message.destination;
}

/** The allocations some TURN messages show, and the responses they were read from. */
export interface TurnAllocations {
  /** Each relayed transport address granted, with the frame of the response that first granted it. */
  granted: Map<string, number>;
  /** The Allocate success responses: first grants, repeats, and any whose relayed address could not be read. */
  responses: StunMessage[];
}

/**
 * The allocations among `stun`. An allocation is a relayed transport address (RFC 8656 §2): a Refresh keeps
 * it, and an Allocate answered with an address already granted (MS-TURN refreshes with Allocate) is the same
 * one, so each distinct XOR-RELAYED-ADDRESS (MS-TURN: MAPPED-ADDRESS) of an Allocate success response counts once.
 */
export function turnAllocations(stun: readonly StunMessage[]): TurnAllocations {
  const responses = stun.filter((m) => m.method === 'Allocate' && m.class === 'success');
  const granted = new Map<string, number>();
  for (const m of responses)
    for (const a of m.addresses) {
      const address = formatEndpoint(a);
      if (a.attribute && RELAYED_ADDRESS_ATTRIBUTES.has(a.attribute.code) && !granted.has(address))
        granted.set(address, m.frame);
    }
  return { granted, responses };
}

/** How many allocations: null when success responses came but none carries a relayed address that could be read. */
export function allocationCount({ granted, responses }: TurnAllocations): number | null {
  return granted.size === 0 && responses.length > 0 ? null : granted.size;
}
