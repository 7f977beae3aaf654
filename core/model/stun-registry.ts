/**
 * STUN/TURN names tshark does not export in `tshark -G values` (its dissector applies them as text), taken
 * from the IANA STUN parameters registry (RFC 8489, RFC 8656, RFC 8445, RFC 5780, RFC 6062) and Microsoft's
 * [MS-TURN], [MS-TURNBWM] and [MS-ICE2] specifications, spelled as Wireshark's STUN dissector spells them.
 */
export const STUN_ATTRIBUTE_NAMES: ReadonlyMap<number, string> = new Map([
  [0x0001, 'MAPPED-ADDRESS'],
  [0x0002, 'RESPONSE-ADDRESS'],
  [0x0003, 'CHANGE-REQUEST'],
  [0x0004, 'SOURCE-ADDRESS'],
  [0x0005, 'CHANGED-ADDRESS'],
  [0x0006, 'USERNAME'],
  [0x0007, 'PASSWORD'],
  [0x0008, 'MESSAGE-INTEGRITY'],
  [0x0009, 'ERROR-CODE'],
  [0x000a, 'UNKNOWN-ATTRIBUTES'],
  [0x000b, 'REFLECTED-FROM'],
  [0x000c, 'CHANNEL-NUMBER'],
  [0x000d, 'LIFETIME'],
  [0x000f, 'MAGIC-COOKIE'],
  [0x0010, 'BANDWIDTH'],
  [0x0011, 'DESTINATION-ADDRESS'],
  [0x0012, 'XOR-PEER-ADDRESS'],
  [0x0013, 'DATA'],
  [0x0014, 'REALM'],
  [0x0015, 'NONCE'],
  [0x0016, 'XOR-RELAYED-ADDRESS'],
  [0x0017, 'REQUESTED-ADDRESS-FAMILY'],
  [0x0018, 'EVEN-PORT'],
  [0x0019, 'REQUESTED-TRANSPORT'],
  [0x001a, 'DONT-FRAGMENT'],
  [0x001c, 'MESSAGE-INTEGRITY-SHA256'],
  [0x001d, 'PASSWORD-ALGORITHM'],
  [0x001e, 'USERHASH'],
  [0x0020, 'XOR-MAPPED-ADDRESS'],
  [0x0022, 'RESERVATION-TOKEN'],
  [0x0024, 'PRIORITY'],
  [0x0025, 'USE-CANDIDATE'],
  [0x0026, 'PADDING'],
  [0x0027, 'RESPONSE-PORT'],
  [0x002a, 'CONNECTION-ID'],
  [0x8002, 'PASSWORD-ALGORITHMS'],
  [0x8003, 'ALTERNATE-DOMAIN'],
  [0x8008, 'MS-VERSION'],
  [0x8020, 'XOR-MAPPED-ADDRESS (MS-TURN)'],
  [0x8022, 'SOFTWARE'],
  [0x8023, 'ALTERNATE-SERVER'],
  [0x8027, 'CACHE-TIMEOUT'],
  [0x8028, 'FINGERPRINT'],
  [0x8029, 'ICE-CONTROLLED'],
  [0x802a, 'ICE-CONTROLLING'],
  [0x802b, 'RESPONSE-ORIGIN'],
  [0x802c, 'OTHER-ADDRESS'],
  [0x8037, 'MS-APP-ID'],
  [0x8050, 'MS-SEQUENCE-NUMBER'],
  [0x8054, 'MS-CANDIDATE-IDENTIFIER'],
  [0x8055, 'MS-SERVICE-QUALITY'],
  [0x8056, 'BANDWIDTH-ADMISSION-CONTROL-MESSAGE'],
  [0x8057, 'BANDWIDTH-RESERVATION-IDENTIFIER'],
  [0x8058, 'BANDWIDTH-RESERVATION-AMOUNT'],
  [0x8059, 'REMOTE-SITE-ADDRESS'],
  [0x805a, 'REMOTE-RELAY-SITE-ADDRESS'],
  [0x805b, 'LOCAL-SITE-ADDRESS'],
  [0x805c, 'LOCAL-RELAY-SITE-ADDRESS'],
  [0x805d, 'REMOTE-SITE-ADDRESS-RESPONSE'],
  [0x805e, 'REMOTE-RELAY-SITE-ADDRESS-RESPONSE'],
  [0x805f, 'LOCAL-SITE-ADDRESS-RESPONSE'],
  [0x8060, 'LOCAL-RELAY-SITE-ADDRESS-RESPONSE'],
  [0x8061, 'SIP-DIALOG-ID'],
  [0x8062, 'SIP-CALL-ID'],
  [0x8068, 'LOCATION-PROFILE'],
  [0x8070, 'MS-IMPLEMENTATION-VERSION'],
  [0x8090, 'MS-ALT-MAPPED-ADDRESS'],
  [0x8095, 'MS-MULTIPLEXED-TURN-SESSION-ID'],
]);

/**
 * Attributes whose value is a transport address: tshark decodes each into one stun.att.family and one
 * stun.att.ipv4/ipv6 + stun.att.port (XOR-ed ones already un-XOR-ed), in attribute order.
 */
export const STUN_ADDRESS_ATTRIBUTES: ReadonlySet<number> = new Set([
  0x0001, 0x0002, 0x0004, 0x0005, 0x000b, 0x0011, 0x0012, 0x0016, 0x0020, 0x8020, 0x8023, 0x802b, 0x802c, 0x8090,
]);

/** STUN/TURN methods (RFC 8489, RFC 8656, RFC 6062). */
export const STUN_METHOD_NAMES: ReadonlyMap<number, string> = new Map([
  [0x001, 'Binding'],
  [0x003, 'Allocate'],
  [0x004, 'Refresh'],
  [0x006, 'Send'],
  [0x007, 'Data'],
  [0x008, 'CreatePermission'],
  [0x009, 'ChannelBind'],
  [0x00a, 'Connect'],
  [0x00b, 'ConnectionBind'],
  [0x00c, 'ConnectionAttempt'],
]);

export type StunClass = 'request' | 'indication' | 'success' | 'error';

/** RFC 8489 §5: the class and method bits are interleaved in the 14-bit message type. */
export function splitStunType(type: number): { method: number; class: StunClass } {
  const classBits = ((type >> 7) & 0x2) | ((type >> 4) & 0x1);
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  return { method, class: (['request', 'indication', 'success', 'error'] as const)[classBits]! };
}

/**
 * Microsoft's TURN ([MS-TURN] §2.2, from draft-rosenberg-midcom-turn-08) marks its messages with a MAGIC-COOKIE
 * attribute and numbers them its own way: 0x0004 is a Send request (RFC 8656's Refresh), 0x0115 a Data
 * Indication (RFC 8489's layout reads "method 0x005 Error Response").
 */
export const MS_TURN_MAGIC_COOKIE_ATTRIBUTE = 0x000f;
export const MS_TURN_MESSAGE_TYPES: ReadonlyMap<number, { method: string; class: StunClass }> = new Map([
  [0x0003, { method: 'Allocate', class: 'request' }],
  [0x0103, { method: 'Allocate', class: 'success' }],
  [0x0113, { method: 'Allocate', class: 'error' }],
  [0x0004, { method: 'Send', class: 'request' }],
  [0x0115, { method: 'Data', class: 'indication' }],
  [0x0006, { method: 'Set Active Destination', class: 'request' }],
  [0x0106, { method: 'Set Active Destination', class: 'success' }],
  [0x0116, { method: 'Set Active Destination', class: 'error' }],
]);

/**
 * [MS-TURN] §2.2.2.11: attribute 0x0012 is REMOTE-ADDRESS, a plain address. tshark decodes it as RFC 8656's
 * XOR-PEER-ADDRESS and XORs it with the magic cookie; its stun.att.ipv4-xord/port-xord fields hold the bytes
 * as sent, which are the address.
 */
export const MS_TURN_REMOTE_ADDRESS = 0x0012;

/** Attributes tshark un-XORs, each giving one stun.att.ipv4-xord (or ipv6-xord) and port-xord, in order. */
export const TSHARK_XOR_ATTRIBUTES: ReadonlySet<number> = new Set([0x0012, 0x0016, 0x0020, 0x8020]);
