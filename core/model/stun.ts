import type { StunAddress, StunMessage } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import type { ValueNames } from '../tshark/value-names.js';
import { ADDRESSING_FIELDS, addressingOf } from './addressing.js';
import { namedCode, relativeTime, withoutUndefined, type Collector, type FinishContext } from './collector.js';
import { Interner } from './interner.js';
import {
  MS_TURN_MAGIC_COOKIE_ATTRIBUTE,
  MS_TURN_MESSAGE_TYPES,
  MS_TURN_REMOTE_ADDRESS,
  STUN_ADDRESS_ATTRIBUTES,
  TSHARK_XOR_ATTRIBUTES,
  STUN_ATTRIBUTE_NAMES,
  STUN_METHOD_NAMES,
  splitStunType,
  type StunClass,
} from './stun-registry.js';

type Dialect = 'stun' | 'classicstun';

/** Each dialect's field names, built once: a name built per packet costs a string hash on every lookup. */
const DIALECT_FIELDS = { stun: dialectFields('stun'), classicstun: dialectFields('classicstun') };

function dialectFields(dialect: Dialect) {
  return {
    type: `${dialect}.type`,
    id: `${dialect}.id`,
    attributeType: `${dialect}.att.type`,
    family: `${dialect}.att.family`,
    ipv4: `${dialect}.att.ipv4`,
    ipv6: `${dialect}.att.ipv6`,
    port: `${dialect}.att.port`,
  } as const;
}

interface RawMessage extends Omit<StunMessage, 'time' | 'type' | 'attributes'> {
  epoch: number;
  typeCode: number;
  attributeCodes: number[];
}

/**
 * STUN and TURN messages, Microsoft's MS-TURN dialect included. tshark decodes RFC 5389 STUN as "stun" and
 * RFC 3489 framing (which older MS-TURN messages such as Data Indications use) as "classicstun"; both become
 * one kind of message here.
 */
export class StunCollector implements Collector<StunMessage[]> {
  readonly protocols = ['stun', 'classicstun'];
  readonly fields = [
    ...ADDRESSING_FIELDS,
    ...Object.values(DIALECT_FIELDS).flatMap((fields) => Object.values(fields)),
    'stun.att.ipv4-xord',
    'stun.att.ipv6-xord',
    'stun.att.port-xord',
    'stun.channel',
    'stun.att.ms.version',
    'stun.att.ms.multiplexed_turn_session_id',
    'stun.att.ms.service_quality',
    'stun.att.ms.stream_type',
  ];
  readonly namedFields = ['classicstun.type', 'classicstun.att.type', 'stun.att.ms.stream_type'];

  private readonly messages: RawMessage[] = [];
  private readonly unlabelled: number[] = [];
  private readonly interner = new Interner();

  add(packet: PacketRecord): void {
    const dialect: Dialect | undefined =
      packet.has('stun.type') || packet.has('stun.channel')
        ? 'stun'
        : packet.has('classicstun.type')
          ? 'classicstun'
          : undefined;
    if (!dialect) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
    const attributeCodes = this.interner.json(packet.ints(DIALECT_FIELDS[dialect].attributeType));
    const message: RawMessage = {
      frame: packet.frame,
      epoch: packet.time,
      flowId: this.interner.string(addressing.flowId),
      protocol: dialect,
      source: this.interner.json(addressing.source),
      destination: this.interner.json(addressing.destination),
      typeCode: packet.int(DIALECT_FIELDS[dialect].type) ?? 0,
      transactionId: packet.first(DIALECT_FIELDS[dialect].id),
      channel: packet.int('stun.channel'),
      attributeCodes,
      addresses: this.addresses(packet, dialect, attributeCodes),
    };
    if (dialect === 'stun') {
      const microsoft = withoutUndefined({
        version: packet.int('stun.att.ms.version'),
        multiplexedTurnSessionId: packet.first('stun.att.ms.multiplexed_turn_session_id'),
        serviceQuality: packet.int('stun.att.ms.service_quality'),
        streamType: codeOf(packet.int('stun.att.ms.stream_type')),
      });
      if (Object.keys(microsoft).length) message.microsoft = microsoft;
    }
    this.messages.push(message);
  }

  /** Puts the decoded addresses back on the attributes that carried them (see STUN_ADDRESS_ATTRIBUTES). */
  private addresses(packet: PacketRecord, dialect: Dialect, attributeCodes: number[]): StunAddress[] {
    const families = packet.ints(DIALECT_FIELDS[dialect].family);
    const ipv4 = [...packet.values(DIALECT_FIELDS[dialect].ipv4)];
    const ipv6 = [...packet.values(DIALECT_FIELDS[dialect].ipv6)];
    const ports = packet.ints(DIALECT_FIELDS[dialect].port);
    const addresses: StunAddress[] = [];
    families.forEach((family, i) => {
      const ip = family === 2 ? ipv6.shift() : ipv4.shift();
      const port = ports[i];
      if (ip !== undefined && port !== undefined) addresses.push({ ip, port });
    });
    const carriers = attributeCodes.filter((code) => STUN_ADDRESS_ATTRIBUTES.has(code));
    if (carriers.length === addresses.length) {
      addresses.forEach((address, i) => (address.attribute = { code: carriers[i]! }));
      if (dialect === 'stun' && attributeCodes.includes(MS_TURN_MAGIC_COOKIE_ATTRIBUTE))
        this.undoXor(packet, carriers, addresses);
    } else if (addresses.length) {
      this.unlabelled.push(packet.frame);
    }
    return addresses;
  }

  /** MS-TURN's REMOTE-ADDRESS is sent in plain: take the bytes as sent, not tshark's XOR of them. */
  private undoXor(packet: PacketRecord, carriers: number[], addresses: StunAddress[]): void {
    const ipv4 = [...packet.values('stun.att.ipv4-xord')];
    const ipv6 = [...packet.values('stun.att.ipv6-xord')];
    const ports = [...packet.values('stun.att.port-xord')];
    const xored = carriers.map((code, i) => ({ code, i })).filter(({ code }) => TSHARK_XOR_ATTRIBUTES.has(code));
    if (xored.length !== ports.length) return;
    for (const { code, i } of xored) {
      const address = addresses[i]!;
      const raw = address.ip.includes(':') ? ipv6.shift() : ipv4.shift();
      const port = ports.shift();
      if (code !== MS_TURN_REMOTE_ADDRESS || raw === undefined || port === undefined) continue;
      address.ip = address.ip.includes(':') ? ipv6FromHex(raw) : ipv4FromHex(raw);
      address.port = Number.parseInt(port, 16);
    }
  }

  finish({ start, names, warn }: FinishContext): StunMessage[] {
    if (this.unlabelled.length) {
      warn({
        code: 'stun-addresses-unlabelled',
        message: `${this.unlabelled.length} STUN message(s) carry addresses that could not be matched to their attributes; the addresses are listed without attribute`,
        frames: this.unlabelled.slice(0, 20),
        count: this.unlabelled.length,
      });
    }
    const shared = this.interner;
    // Tens of thousands of messages share a handful of attribute lists and types: each is named once. The
    // attribute lists are interned as collected, so the list itself keys its named form.
    const namedAttributes = new Map<string, Map<number[], StunMessage['attributes']>>();
    const kinds = new Map<string, Pick<StunMessage, 'type' | 'method' | 'class'>>();
    return this.messages.map(({ epoch, typeCode, attributeCodes, ...rest }) => {
      const msTurn = rest.protocol === 'stun' && attributeCodes.includes(MS_TURN_MAGIC_COOKIE_ATTRIBUTE);
      const attributeName = (code: number) =>
        (rest.protocol === 'classicstun' ? names('classicstun.att.type', code) : undefined) ??
        (msTurn && code === MS_TURN_REMOTE_ADDRESS ? 'REMOTE-ADDRESS (MS-TURN)' : STUN_ATTRIBUTE_NAMES.get(code));
      const naming = `${rest.protocol}/${msTurn}`;
      let named = namedAttributes.get(naming);
      if (!named) namedAttributes.set(naming, (named = new Map<number[], StunMessage['attributes']>()));
      let attributes = named.get(attributeCodes);
      if (!attributes)
        named.set(
          attributeCodes,
          (attributes = shared.json(attributeCodes.map((code) => codeOf(code, attributeName(code))!))),
        );
      const message: StunMessage = {
        ...rest,
        time: relativeTime(epoch, start),
        type: { code: typeCode },
        attributes,
        addresses: shared.json(
          rest.addresses.map((a) =>
            a.attribute ? { ...a, attribute: codeOf(a.attribute.code, attributeName(a.attribute.code)) } : a,
          ),
        ),
      };
      if (message.microsoft?.streamType)
        message.microsoft.streamType = namedCode(names, 'stun.att.ms.stream_type', message.microsoft.streamType.code);
      if (message.microsoft) message.microsoft = shared.json(message.microsoft);
      const kindKey = `${rest.protocol}/${typeCode}/${rest.channel}/${msTurn}`;
      let kind = kinds.get(kindKey);
      if (!kind) {
        const { type, ...methodAndClassOf } = methodAndClass(rest.protocol, typeCode, rest.channel, names, msTurn);
        kinds.set(kindKey, (kind = { ...methodAndClassOf, type: shared.json(type) }));
      }
      return withoutUndefined({ ...message, ...kind });
    });
  }
}

function ipv4FromHex(hex: string): string {
  return (hex.match(/../g) ?? []).map((byte) => Number.parseInt(byte, 16)).join('.');
}

function ipv6FromHex(hex: string): string {
  const full = (hex.replace(/:/g, '').match(/.{4}/g) ?? []).join(':');
  return new URL(`http://[${full}]/`).hostname.slice(1, -1); // the URL parser writes the canonical (RFC 5952) form
}

function codeOf(code: number | undefined, name?: string): { code: number; name?: string } | undefined {
  if (code === undefined) return undefined;
  return name === undefined ? { code } : { code, name };
}

function methodAndClass(
  dialect: Dialect,
  typeCode: number,
  channel: number | undefined,
  names: ValueNames,
  msTurn: boolean,
): Pick<StunMessage, 'type' | 'method' | 'class'> {
  const microsoft = msTurn ? MS_TURN_MESSAGE_TYPES.get(typeCode) : undefined;
  if (microsoft)
    return {
      type: { code: typeCode, name: `${microsoft.method} ${CLASS_WORDS[microsoft.class]} (MS-TURN)` },
      method: microsoft.method,
      class: microsoft.class,
    };
  if (dialect === 'stun') {
    if (channel !== undefined && typeCode === 0)
      return { type: { code: 0, name: 'ChannelData' }, method: 'ChannelData' };
    const { method, class: cls } = splitStunType(typeCode);
    const methodName = STUN_METHOD_NAMES.get(method) ?? `method 0x${method.toString(16).padStart(3, '0')}`;
    return { type: { code: typeCode, name: `${methodName} ${CLASS_WORDS[cls]}` }, method: methodName, class: cls };
  }
  // RFC 3489 and MS-TURN types do not follow RFC 5389's bit layout; tshark's name says what they are.
  const name = names('classicstun.type', typeCode);
  if (!name) return { type: { code: typeCode } };
  const parsed = /^(.*?)\s*(Error Response|Response|Request|Indication)$/.exec(name);
  const cls = parsed ? CLASS_BY_WORDS[parsed[2]!] : undefined;
  return withoutUndefined({ type: { code: typeCode, name }, method: parsed?.[1] || undefined, class: cls });
}

const CLASS_WORDS: Record<StunClass, string> = {
  request: 'Request',
  indication: 'Indication',
  success: 'Success Response',
  error: 'Error Response',
};
const CLASS_BY_WORDS: Record<string, StunClass> = {
  Request: 'request',
  Indication: 'indication',
  Response: 'success',
  'Error Response': 'error',
};
