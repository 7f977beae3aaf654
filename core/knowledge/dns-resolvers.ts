import { checked, validateDnsResolvers } from '../schema/validate.js';
import resolversJson from './dns-resolvers.json' with { type: 'json' };

const resolvers = checked(validateDnsResolvers, resolversJson, 'core/knowledge/dns-resolvers.json');

const exactNames = new Set(resolvers.names.filter((n) => !n.startsWith('*.')));
const suffixes = resolvers.names.filter((n) => n.startsWith('*.')).map((n) => n.slice(1));
const addresses = new Set(resolvers.addresses);

/** A public DNS-over-HTTPS/TLS resolver's name (an SNI), from core/knowledge/dns-resolvers.json. */
export function isPublicResolverName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/\.$/, '');
  return exactNames.has(normalized) || suffixes.some((suffix) => normalized.endsWith(suffix));
}

/** A public resolver's anycast address (1.1.1.1, 8.8.8.8, 9.9.9.9, …). */
export function isPublicResolverAddress(ip: string): boolean {
  return addresses.has(ip);
}
