import { parse } from 'tldts';
import catalogJson from './services.json' with { type: 'json' };
import { checked, validateServiceCatalog } from '../schema/validate.js';
import type { CatalogEntry, CatalogService, Platform, ServiceCatalog, Source } from '../schema/generated/services.js';

export type { CatalogService, Platform };

export interface CatalogMatch {
  service: CatalogService;
  /** What the service does, in one sentence. */
  role: string;
  platform?: Platform;
  /** The catalog pattern that matched, e.g. '*.tr.teams.microsoft.com'. */
  pattern: string;
  /** The name's registrable domain (public suffix plus one label), e.g. 'microsoft.com'. */
  registrableDomain: string;
  source: Source & { reference?: string };
  note?: string;
}

interface CompiledPattern {
  entry: CatalogEntry;
  /** The registrable domain of the pattern's fixed part: names are looked up among their own domain's patterns. */
  registrableDomain: string | null;
  matches(name: string): boolean;
  /** Exact names first, then the longer fixed part: '*-my.sharepoint.com' before '*.sharepoint.com'. */
  specificity: number;
}

/** Puts every exact name before every wildcard (names are at most 253 characters). */
const EXACT_BONUS = 1000;

function compilePattern(entry: CatalogEntry): CompiledPattern {
  const { pattern } = entry;
  if (!pattern.includes('*')) {
    return {
      entry,
      registrableDomain: parse(pattern).domain,
      specificity: EXACT_BONUS + pattern.length,
      matches: (name) => name === pattern,
    };
  }
  const [firstLabel, rest] = splitFirstLabel(pattern);
  const common = { entry, registrableDomain: parse(rest).domain, specificity: pattern.length - 1 };
  if (firstLabel === '*') {
    const suffix = `.${rest}`;
    return { ...common, matches: (name) => name.endsWith(suffix) };
  }
  // A '*' inside the first label stands for some text within that one label (the schema allows only [a-z0-9-] around it).
  const label = new RegExp(`^${firstLabel.replace('*', '[^.]+')}$`);
  return {
    ...common,
    matches: (name) => {
      const [nameLabel, nameRest] = splitFirstLabel(name);
      return nameRest === rest && label.test(nameLabel);
    },
  };
}

function splitFirstLabel(name: string): [string, string] {
  const dot = name.indexOf('.');
  return dot < 0 ? [name, ''] : [name.slice(0, dot), name.slice(dot + 1)];
}

function loadCatalog(json: unknown): { catalog: ServiceCatalog; byDomain: Map<string, CompiledPattern[]> } {
  const where = 'core/knowledge/services.json';
  const data = checked(validateServiceCatalog, json, where);
  const byDomain = new Map<string, CompiledPattern[]>();
  const seen = new Set<string>();
  for (const entry of data.entries) {
    if (seen.has(entry.pattern)) throw new Error(`${where}: ${entry.pattern} is listed twice`);
    seen.add(entry.pattern);
    if (!data.sources[entry.source])
      throw new Error(`${where}: ${entry.pattern} cites "${entry.source}", which is not in sources`);
    const compiled = compilePattern(entry);
    // A pattern wider than a registrable domain (say '*.com') would never be looked up.
    if (!compiled.registrableDomain) throw new Error(`${where}: ${entry.pattern} is not below a registrable domain`);
    const bucket = byDomain.get(compiled.registrableDomain) ?? [];
    bucket.push(compiled);
    byDomain.set(compiled.registrableDomain, bucket);
  }
  for (const bucket of byDomain.values()) bucket.sort((a, b) => b.specificity - a.specificity);
  return { catalog: data, byDomain };
}

const { catalog, byDomain } = loadCatalog(catalogJson);

/** The entries whose pattern matches the name, most specific first. */
function matchingEntries(name: string): { registrableDomain: string; entries: CatalogEntry[] } | undefined {
  const normalized = name.toLowerCase().replace(/\.$/, '');
  const registrableDomain = parse(normalized).domain;
  if (!registrableDomain) return undefined;
  const entries = (byDomain.get(registrableDomain) ?? []).filter((p) => p.matches(normalized)).map((p) => p.entry);
  return { registrableDomain, entries };
}

/** What the catalog knows about a DNS name (case-insensitive, trailing dot ignored): the most specific entry wins. */
export function serviceForName(name: string): CatalogMatch | undefined {
  const found = matchingEntries(name);
  const entry = found?.entries[0];
  if (!found || !entry) return undefined;
  const match: CatalogMatch = {
    service: entry.service,
    role: entry.role,
    pattern: entry.pattern,
    registrableDomain: found.registrableDomain,
    source: { ...catalog.sources[entry.source]!, ...(entry.reference ? { reference: entry.reference } : {}) },
  };
  if (entry.platform) match.platform = entry.platform;
  if (entry.note) match.note = entry.note;
  return match;
}

/** The hosting platform a name reveals (a CNAME chain's Traffic Manager, Front Door, CDN or Azure compute step). */
export function platformForName(name: string): Platform | undefined {
  return matchingEntries(name)?.entries.find((entry) => entry.platform)?.platform;
}

/** Services that only say where something runs (a Traffic Manager profile, a cloudapp host, a CDN edge), not what it is. */
export function isHostingPlatform(service: CatalogService): boolean {
  return service === 'azure' || service === 'cdn';
}

/** Every catalog entry (validated), e.g. to write the same knowledge into a Wireshark profile. */
export function catalogEntries(): readonly CatalogEntry[] {
  return catalog.entries;
}
