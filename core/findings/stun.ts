import { rfc } from '../knowledge/sources.js';
import { groupBy } from '../util/collections.js';
import { formatEndpoint } from '../model/addressing.js';
import { REFLEXIVE_ADDRESS_ATTRIBUTES } from '../model/stun-registry.js';
import { turnAllocations as allocationsOf } from '../model/turn.js';
import { addressFilter, anyOf, hex } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';
import { count, plural } from '../util/plural.js';

/** The TURN servers that granted allocations, and the relayed addresses they gave. */
export const turnAllocations: FindingRule = {
  section: 'network',
  sources: {
    'turn-allocation': rfc(
      8656,
      'Traversal Using Relays around NAT (TURN): Relay Extensions to Session Traversal Utilities for NAT (STUN)',
      '§2',
    ),
  },
  find({ model }) {
    const { responses } = allocationsOf(model.stun);
    return [...groupBy(responses, (m) => formatEndpoint(m.source)).entries()].map(([server, group]): FindingDraft => {
      // One definition of an allocation (core/model/turn.ts); the response that first granted each is its evidence.
      const { granted: grantedBy } = allocationsOf(group);
      const relayed = [...grantedBy.keys()];
      const source = group[0]!.source;
      const responses = count(group.length, 'Allocate success response');
      const serverResponses = `stun.type == ${hex(group[0]!.type.code)} && ${addressFilter(source.ip, 'src')} && ${group[0]!.flowId.split(':')[0]}.srcport == ${source.port}`;
      if (relayed.length === 0)
        return {
          id: `turn-allocation/${server}`,
          severity: 'info',
          title: `TURN server ${server} sent ${responses}`,
          detail: `The ${plural(group.length, 'response carries', 'responses carry')} no relayed-address attribute Teamshark could read, so the allocations cannot be counted.`,
          frames: group.map((m) => m.frame),
          filter: serverResponses,
        };
      const firstGrants = [...new Set(grantedBy.values())];
      return {
        id: `turn-allocation/${server}`,
        severity: 'info',
        title: `TURN server ${server} granted ${count(relayed.length, 'allocation')}`,
        detail: `Relayed transport ${plural(relayed.length, 'address', 'addresses')}: ${relayed.join(', ')}, in ${responses}; the frames are the response that first granted each (an Allocate answered with an address already granted is the same allocation: \`${serverResponses}\` shows them all).`,
        frames: firstGrants,
        filter: `${serverResponses} && (${anyOf('frame.number', firstGrants)})`,
      };
    });
  },
};

/**
 * A success response tells its receiver the address the server saw it come from. When that differs from the
 * address the response is delivered to in this capture, a NAT sits between the capture point and the server.
 * (When they are equal the capture was taken on the responder's side, which says nothing about NAT.)
 */
export const reflexiveAddresses: FindingRule = {
  section: 'network',
  find({ model }) {
    const translated = model.stun.flatMap((m) =>
      m.class === 'success'
        ? m.addresses
            .filter(
              (a) => a.attribute && REFLEXIVE_ADDRESS_ATTRIBUTES.has(a.attribute.code) && a.ip !== m.destination.ip,
            )
            .map((address) => ({ address, message: m }))
        : [],
    );
    return [...groupBy(translated, ({ address }) => address.ip).entries()].map(([ip, group]): FindingDraft => {
      const hosts = [...new Set(group.map(({ message }) => message.destination.ip))];
      return {
        id: `nat-mapped-address/${ip}`,
        severity: 'info',
        title: `${hosts.join(', ')} ${plural(hosts.length, 'reaches', 'reach')} the Internet as ${ip} (NAT)`,
        detail: `STUN success responses from ${[...new Set(group.map(({ message }) => formatEndpoint(message.source)))].join(', ')} report the mapped ${plural(group.length, 'address', 'addresses')} ${[...new Set(group.map(({ address }) => formatEndpoint(address)))].join(', ')}.`,
        frames: group.map(({ message }) => message.frame),
        filter: `stun.att.${ip.includes(':') ? 'ipv6' : 'ipv4'} == ${ip}`,
      };
    });
  },
};
