// Converts Microsoft's endpoints web-service list (https://endpoints.office.com/endpoints/worldwide) into
// core/knowledge/ranges.json: one range per prefix, service area and service, merging the endpoint sets that
// list it. Usage: node scripts/convert-endpoints.mjs <endpoints.json> [--out FILE] [--version STRING]
import { readFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';
import ipaddr from 'ipaddr.js';
import {
  InputError,
  parseCommandLine,
  previousOutput,
  runConverter,
  schemaError,
  writeOutput,
} from './lib/data-converter.mjs';

const RANGES_SCHEMA = new URL('../core/knowledge/ranges.schema.json', import.meta.url);
const DEFAULT_OUT = 'core/knowledge/ranges.json';
const USAGE = 'usage: node scripts/convert-endpoints.mjs <endpoints.json> [--out FILE] [--version STRING]';

const SOURCE = {
  title: 'Microsoft 365 URLs and IP address ranges (endpoints web service, worldwide instance)',
  url: 'https://endpoints.office.com/endpoints/worldwide',
  instance: 'Worldwide',
};

/** Teams media relays listen on these UDP ports (Skype id 11); a Skype set on them carries call media. */
const TEAMS_MEDIA_PORTS = [3478, 3479, 3480, 3481];
/** A Common endpoint set that lists one of these is the sign-in (identity) set. */
const SIGN_IN_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.microsoft.com',
  'login.windows.net',
  'login.live.com',
]);
const CATEGORY_STRENGTH = { Optimize: 2, Allow: 1, Default: 0 };

const PORTS_PATTERN = '^$|^[0-9]+(-[0-9]+)?( *, *[0-9]+(-[0-9]+)?)*$';
/** The fields of Microsoft's format the conversion reads; other fields are allowed and ignored. */
const ENDPOINT_SETS_SCHEMA = {
  type: 'array',
  items: {
    type: 'object',
    required: ['id', 'serviceArea', 'serviceAreaDisplayName', 'expressRoute', 'category', 'required'],
    properties: {
      id: { type: 'integer', minimum: 0 },
      serviceArea: { enum: ['Exchange', 'SharePoint', 'Skype', 'Common'] },
      serviceAreaDisplayName: { type: 'string' },
      urls: { type: 'array', items: { type: 'string' } },
      ips: { type: 'array', items: { type: 'string' } },
      tcpPorts: { type: 'string', pattern: PORTS_PATTERN },
      udpPorts: { type: 'string', pattern: PORTS_PATTERN },
      expressRoute: { type: 'boolean' },
      category: { enum: ['Optimize', 'Allow', 'Default'] },
      required: { type: 'boolean' },
      notes: { type: 'string' },
    },
  },
};

async function readJson(path, what) {
  let text;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') throw new InputError(`${path}: ${what} not found`);
    if (error.code === 'EISDIR') throw new InputError(`${path}: is a directory, not a file`);
    throw new InputError(`${path}: cannot read ${what} (${error.code ?? error.message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${path}: not JSON (${error.message})`);
  }
}

/** "80, 443" → [[80, 80], [443, 443]]; "50000-50019" → [[50000, 50019]]. */
function portSpans(ports) {
  if (!ports) return [];
  return ports.split(',').map((token) => {
    const [low, high = low] = token.trim().split('-').map(Number);
    return [low, high];
  });
}

function mergePorts(...lists) {
  const spans = lists.flatMap(portSpans).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const tokens = spans.map(([low, high]) => (low === high ? `${low}` : `${low}-${high}`));
  return [...new Set(tokens)].join(',') || undefined;
}

function serviceOf(set) {
  switch (set.serviceArea) {
    case 'Skype': {
      const media = portSpans(set.udpPorts).some(([low, high]) => TEAMS_MEDIA_PORTS.some((p) => p >= low && p <= high));
      return media ? 'teams-calling' : 'teams';
    }
    case 'SharePoint':
      return 'sharepoint-onedrive';
    case 'Exchange':
      return 'microsoft365';
    case 'Common':
      return (set.urls ?? []).some((url) => SIGN_IN_HOSTS.has(url.toLowerCase())) ? 'identity' : 'microsoft365';
  }
}

/** The prefix in canonical form (lower-case, shortest IPv6 spelling), or an InputError. */
function canonicalPrefix(text, set, path) {
  const family = ipaddr.IPv4.isValidCIDRFourPartDecimal(text)
    ? ipaddr.IPv4
    : ipaddr.IPv6.isValidCIDR(text)
      ? ipaddr.IPv6
      : undefined;
  if (!family) throw new InputError(`${path}: endpoint set ${set.id}: "${text}" is not an address prefix`);
  const [address, bits] = family.parseCIDR(text);
  if (family.networkAddressFromCIDR(text).toString() !== address.toString()) {
    throw new InputError(`${path}: endpoint set ${set.id}: "${text}" has bits set beyond its /${bits}`);
  }
  return `${address.toString()}/${bits}`;
}

function toRanges(sets, path) {
  const byKey = new Map();
  for (const set of sets) {
    const service = serviceOf(set);
    for (const ip of set.ips ?? []) {
      const prefix = canonicalPrefix(ip, set, path);
      // Endpoint sets that list the same prefix for the same service area and service merge into one range.
      const key = `${prefix} ${set.serviceArea} ${service}`;
      const range = byKey.get(key) ?? {
        prefix,
        serviceArea: set.serviceArea,
        service,
        endpointIds: [],
        category: set.category,
        notes: [],
      };
      if (!range.endpointIds.includes(set.id)) range.endpointIds.push(set.id);
      range.udpPorts = mergePorts(range.udpPorts, set.udpPorts);
      range.tcpPorts = mergePorts(range.tcpPorts, set.tcpPorts);
      if (CATEGORY_STRENGTH[set.category] > CATEGORY_STRENGTH[range.category]) range.category = set.category;
      if (set.notes && !range.notes.includes(`id ${set.id}: ${set.notes}`))
        range.notes.push(`id ${set.id}: ${set.notes}`);
      byKey.set(key, range);
    }
  }
  return [...byKey.values()]
    .sort(compareRanges)
    .map(({ prefix, serviceArea, service, endpointIds, udpPorts, tcpPorts, category, notes }) => ({
      prefix,
      serviceArea,
      service,
      endpointIds: endpointIds.sort((a, b) => a - b),
      ...(udpPorts && { udpPorts }),
      ...(tcpPorts && { tcpPorts }),
      category,
      ...(notes.length && { note: notes.join('; ') }),
    }));
}

/** IPv4 before IPv6, then by address, then wider prefixes first, then by service area and service. */
function compareRanges(a, b) {
  const [addressA, bitsA] = ipaddr.parseCIDR(a.prefix);
  const [addressB, bitsB] = ipaddr.parseCIDR(b.prefix);
  const bytesA = addressA.toByteArray();
  const bytesB = addressB.toByteArray();
  if (bytesA.length !== bytesB.length) return bytesA.length - bytesB.length;
  for (let i = 0; i < bytesA.length; i++) if (bytesA[i] !== bytesB[i]) return bytesA[i] - bytesB[i];
  return bitsA - bitsB || compareText(a.serviceArea, b.serviceArea) || compareText(a.service, b.service);
}

/** Code-point order, the same on every machine (localeCompare is not). */
function compareText(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** JSON with one range a line, so that a change in Microsoft's list is a one-line diff. */
function format({ ranges, ...head }) {
  const headText = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${headText},\n  "ranges": [\n${ranges.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]\n}\n`;
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2), {
    usage: USAGE,
    defaultOut: DEFAULT_OUT,
    options: { version: { type: 'string' } },
  });
  const sets = await readJson(options.input, 'endpoints file');
  const formatError = schemaError(ENDPOINT_SETS_SCHEMA, sets);
  if (formatError) throw new InputError(`${options.input}: not Microsoft's endpoints format: ${formatError}`);

  const source = options.version ? { ...SOURCE, endpointsVersion: options.version } : SOURCE;
  const ranges = toRanges(sets, options.input);
  if (!ranges.length) throw new InputError(`${options.input}: no endpoint set lists an address range`);

  // Unchanged data keeps its version and date, so regenerating it is not a change.
  const previous = await previousOutput(options.out);
  const unchanged =
    previous && isDeepStrictEqual(previous.source, source) && isDeepStrictEqual(previous.ranges, ranges);
  const today = new Date().toISOString().slice(0, 10);
  const converted = {
    version: unchanged ? previous.version : (options.version ?? today),
    generated: unchanged ? previous.generated : today,
    source,
    ranges,
  };

  await writeOutput(converted, {
    schema: RANGES_SCHEMA,
    format,
    input: options.input,
    out: options.out,
    contents: 'the ranges',
  });
  console.log(`${options.out}: ${ranges.length} ranges from ${sets.length} endpoint sets`);
}

await runConverter('convert-endpoints', main);
