// Converts the merged list of Microsoft Azure's public prefixes (../shared/data/azure-prefixes.txt: '#' header lines
// naming the source, then one prefix a line) into core/knowledge/azure-ranges.json, with the source and its date.
// Usage: node scripts/convert-azure-prefixes.mjs <azure-prefixes.txt> [--out FILE]
import { readFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';
import { InputError, parseCommandLine, runConverter, writeOutput } from './lib/data-converter.mjs';

const SCHEMA = new URL('../core/knowledge/azure-ranges.schema.json', import.meta.url);
const DEFAULT_OUT = 'core/knowledge/azure-ranges.json';
const USAGE = 'usage: node scripts/convert-azure-prefixes.mjs <azure-prefixes.txt> [--out FILE]';

const SOURCE = {
  title: 'Azure IP Ranges and Service Tags – Public Cloud (ServiceTags_Public_<date>.json), all service tags merged',
  url: 'https://www.microsoft.com/en-us/download/details.aspx?id=56519',
};
/** The header names the merge: "(ntop/nDPI commit <sha>, <date>)". */
const MERGE = /\(([\w.-]+\/[\w.-]+) commit ([0-9a-f]{40}), ([0-9]{4}-[0-9]{2}-[0-9]{2})\)/;

/** The prefix in canonical form (lower-case, shortest IPv6 spelling), or an InputError. */
function canonicalPrefix(text, line, path) {
  const family = ipaddr.IPv4.isValidCIDRFourPartDecimal(text)
    ? ipaddr.IPv4
    : ipaddr.IPv6.isValidCIDR(text)
      ? ipaddr.IPv6
      : undefined;
  if (!family) throw new InputError(`${path}:${line}: "${text}" is not an address prefix`);
  const [address, bits] = family.parseCIDR(text);
  if (family.networkAddressFromCIDR(text).toString() !== address.toString())
    throw new InputError(`${path}:${line}: "${text}" has bits set beyond its /${bits}`);
  return `${address.toString()}/${bits}`;
}

async function main() {
  const options = parseCommandLine(process.argv.slice(2), { usage: USAGE, defaultOut: DEFAULT_OUT, options: {} });
  let text;
  try {
    text = await readFile(options.input, 'utf8');
  } catch (error) {
    throw new InputError(
      `${options.input}: ${error.code === 'ENOENT' ? 'prefix list not found' : `cannot read the prefix list (${error.code ?? error.message})`}`,
    );
  }
  const lines = text.split('\n');
  const header = lines.filter((l) => l.startsWith('#')).join(' ');
  const merge = MERGE.exec(header);
  if (!merge)
    throw new InputError(
      `${options.input}: the header does not name the merge it comes from ("(owner/repo commit <sha>, <date>)")`,
    );
  const prefixes = [];
  lines.forEach((line, i) => {
    const entry = line.trim();
    if (entry && !entry.startsWith('#')) prefixes.push(canonicalPrefix(entry, i + 1, options.input));
  });
  const converted = {
    version: merge[3],
    source: {
      ...SOURCE,
      mergedBy: `${merge[1]} utils/azure_ip_addresses_download.sh, commit ${merge[2]} (${merge[3]})`,
    },
    prefixes: [...new Set(prefixes)],
  };
  const format = ({ prefixes: list, ...head }) =>
    `${JSON.stringify(head, null, 2).replace(/\n}$/, '')},\n  "prefixes": [\n${list.map((p) => `    ${JSON.stringify(p)}`).join(',\n')}\n  ]\n}\n`;
  await writeOutput(converted, {
    schema: SCHEMA,
    format,
    input: options.input,
    out: options.out,
    contents: 'the prefixes',
  });
  console.log(`${options.out}: ${converted.prefixes.length} Azure prefixes of ${converted.version}`);
}

await runConverter('convert-azure-prefixes', main);
