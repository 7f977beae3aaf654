import ipaddr from 'ipaddr.js';
import rangesJson from './ranges.json' with { type: 'json' };
import azureJson from './azure-ranges.json' with { type: 'json' };
import type { AzureRangesSource } from '../schema/generated/azure-ranges.js';
import type { MicrosoftRange, RangesSource } from '../schema/generated/ranges.js';
import { checked, validateAzureRanges, validateRanges } from '../schema/validate.js';

export type AddressScope =
  | 'private' // RFC 1918
  | 'shared' // RFC 6598, carrier-grade NAT
  | 'unique-local' // RFC 4193
  | 'link-local'
  | 'loopback'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'reserved'
  | 'public'
  | 'invalid';

export interface MicrosoftAddressMatch {
  prefix: string;
  service: MicrosoftRange['service'];
  serviceArea: MicrosoftRange['serviceArea'];
  endpointIds: number[];
  udpPorts?: string;
  tcpPorts?: string;
  category: MicrosoftRange['category'];
  note?: string;
  source: RangesSource;
}

/** An address in Azure's published prefixes (Service Tags) and in no Microsoft 365 range. */
export interface AzureAddressMatch {
  prefix: string;
  version: string;
  source: AzureRangesSource;
}

export interface AddressClass {
  scope: AddressScope;
  /** The most specific of Microsoft's published prefixes the address falls in. */
  microsoft?: MicrosoftAddressMatch;
  /** Where no Microsoft 365 range applies: Azure's prefix (Teams' own ranges lie inside Azure's, and say more). */
  azure?: AzureAddressMatch;
}

type Address = ipaddr.IPv4 | ipaddr.IPv6;

interface ParsedRange {
  range: MicrosoftRange;
  network: [Address, number];
}

const SCOPE_OF_RANGE: Record<string, AddressScope> = {
  private: 'private',
  carrierGradeNat: 'shared',
  uniqueLocal: 'unique-local',
  linkLocal: 'link-local',
  loopback: 'loopback',
  multicast: 'multicast',
  broadcast: 'broadcast',
  unspecified: 'unspecified',
  unicast: 'public',
  // Transition addresses (2002::/16, 2001::/32) are globally routed.
  '6to4': 'public',
  teredo: 'public',
};

/** Equal prefixes: the set Microsoft asks networks to optimise (media relays) before the others. */
const CATEGORY_ORDER: Record<MicrosoftRange['category'], number> = { Optimize: 0, Allow: 1, Default: 2 };

/**
 * ipaddr's IPv4 or IPv6, by the prefix's text: ipaddr.parseCIDR tries IPv6 first, and the exception an IPv4
 * prefix throws there costs more than its parse.
 */
function familyOf(prefix: string): typeof ipaddr.IPv4 | typeof ipaddr.IPv6 {
  return prefix.includes(':') ? ipaddr.IPv6 : ipaddr.IPv4;
}

function loadRanges(json: unknown): { source: RangesSource; ranges: ParsedRange[] } {
  const where = 'core/knowledge/ranges.json';
  const data = checked(validateRanges, json, where);
  const ranges = data.ranges.map((range): ParsedRange => {
    const family = familyOf(range.prefix);
    if (!family.isValidCIDR(range.prefix)) throw new Error(`${where}: ${range.prefix} is not an address prefix`);
    return { range, network: family.parseCIDR(range.prefix) };
  });
  // Longest prefix first, so that the first range containing an address is the most specific one.
  ranges.sort(
    (a, b) => b.network[1] - a.network[1] || CATEGORY_ORDER[a.range.category] - CATEGORY_ORDER[b.range.category],
  );
  return { source: data.source, ranges };
}

const { source, ranges } = loadRanges(rangesJson);

const { prefixes: azurePrefixes, ...azure } = checked(
  validateAzureRanges,
  azureJson,
  'core/knowledge/azure-ranges.json',
);

/**
 * Azure's prefixes of one address family, longest first, parsed when an address of that family first needs
 * them: parsing all 2,500 cost every analysis ≈ 25 ms, most of it for IPv6 prefixes few captures need.
 */
const azureNetworks = new Map<'ipv4' | 'ipv6', [Address, number][]>();

function azureNetworksOf(kind: 'ipv4' | 'ipv6'): [Address, number][] {
  let networks = azureNetworks.get(kind);
  if (!networks) {
    const family = kind === 'ipv6' ? ipaddr.IPv6 : ipaddr.IPv4;
    networks = azurePrefixes
      .filter((prefix) => familyOf(prefix) === family)
      .map((prefix): [Address, number] => family.parseCIDR(prefix))
      .sort((a, b) => b[1] - a[1]);
    azureNetworks.set(kind, networks);
  }
  return networks;
}

/** Dotted-quad IPv4 or IPv6 (IPv4-mapped IPv6 becomes its IPv4 address); undefined for anything else. */
function parseAddress(text: string): Address | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text) && !ipaddr.IPv6.isValid(text)) return undefined;
  return ipaddr.process(text);
}

function microsoftRange(address: Address): MicrosoftAddressMatch | undefined {
  const found = ranges.find(({ network }) => network[0].kind() === address.kind() && address.match(network));
  if (!found) return undefined;
  const { prefix, service, serviceArea, endpointIds, udpPorts, tcpPorts, category, note } = found.range;
  const match: MicrosoftAddressMatch = { prefix, service, serviceArea, endpointIds, category, source };
  if (udpPorts) match.udpPorts = udpPorts;
  if (tcpPorts) match.tcpPorts = tcpPorts;
  if (note) match.note = note;
  return match;
}

/** The address's scope (private, shared, link-local…, public) and, for public ones, Microsoft's range. */
export function classifyAddress(ip: string): AddressClass {
  const address = parseAddress(ip);
  if (!address) return { scope: 'invalid' };
  const scope = SCOPE_OF_RANGE[address.range()] ?? 'reserved';
  if (scope !== 'public') return { scope };
  const microsoft = microsoftRange(address);
  if (microsoft) return { scope, microsoft };
  const inAzure = azureNetworksOf(address.kind()).find((network) => address.match(network));
  return inAzure
    ? {
        scope,
        azure: { prefix: `${inAzure[0].toString()}/${inAzure[1]}`, version: azure.version, source: azure.source },
      }
    : { scope };
}

/** Every published range (validated), e.g. to write the same knowledge into a Wireshark profile. */
export function publishedRanges(): readonly MicrosoftRange[] {
  return ranges.map((parsed) => parsed.range);
}
