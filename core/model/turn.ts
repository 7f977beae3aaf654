import type { Endpoint, StunMessage } from '../schema/generated/report.js';

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

/** The server end of a TURN message: the side that is not sending requests and indications to it. */
export function turnServer(message: StunMessage): Endpoint {
  return message.class === 'request' ||
    (message.class === 'indication' && message.method === 'Send') ||
    message.method === 'ChannelData'
    ? message.destination
    : message.source;
}

export function isTurn(message: StunMessage): boolean {
  return (
    TURN_METHODS.has(message.method ?? '') ||
    (message.protocol === 'classicstun' && /Data|Send|Allocate/.test(message.type.name ?? ''))
  );
}
