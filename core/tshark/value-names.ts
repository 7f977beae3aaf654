import { execa } from 'execa';
import { TeamsharkError } from '../util/errors.js';
import { TsharkFactsCache } from './facts-cache.js';
import type { TsharkInfo } from './locate.js';
import { forEachLine } from './lines.js';
import { parseInteger } from './record.js';

/** The name tshark gives a field's value ("0xc030" of tls.handshake.ciphersuite → its IANA name). */
export type ValueNames = (field: string, code: number) => string | undefined;

type ValueTables = Map<string, Map<number, string>>;

const loading = new Map<string, Promise<ValueTables>>();

/**
 * Loads value names from the installed tshark's own tables (`tshark -G values`), so cipher suites,
 * record types and extensions are named exactly as the decoder that read the capture names them.
 * Only the fields asked for are kept; the tables are read once per tshark binary and kept on disk
 * (TsharkFactsCache), since `-G values` prints over a million lines.
 */
export async function loadValueNames(
  tshark: TsharkInfo,
  fields: readonly string[],
  cache = new TsharkFactsCache(),
): Promise<ValueNames> {
  const wanted = [...new Set(fields)].sort();
  const name = `values\0${wanted.join(',')}`;
  const key = `${tshark.binary?.key ?? tshark.path}\0${tshark.version}\0${name}`;
  let tables = loading.get(key);
  if (!tables) {
    tables = cachedValueTables(tshark, wanted, name, cache);
    loading.set(key, tables);
    tables.catch(() => loading.delete(key));
  }
  const loaded = await tables;
  return (field, code) => loaded.get(field)?.get(code);
}

async function cachedValueTables(
  tshark: TsharkInfo,
  wanted: readonly string[],
  name: string,
  cache: TsharkFactsCache,
): Promise<ValueTables> {
  const stored = await cache.read<[string, [number, string][]][]>(tshark.binary, name);
  if (stored) return new Map(stored.map(([field, entries]) => [field, new Map(entries)]));
  const tables = await readValueTables(tshark, new Set(wanted));
  await cache.write(
    tshark.binary,
    name,
    [...tables].map(([field, table]) => [field, [...table]]),
  );
  return tables;
}

async function readValueTables(tshark: TsharkInfo, wanted: Set<string>): Promise<ValueTables> {
  const tables: ValueTables = new Map();
  const subprocess = execa(tshark.path, ['-G', 'values'], {
    reject: false,
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
    timeout: 60_000,
  });
  const reading = forEachLine(subprocess.stdout, (line) => {
    // "V\t<field>\t<value>\t<name>" for plain value strings; ranges and true/false strings are not needed.
    // Over a million lines: look at the field name before splitting anything.
    if (line.charCodeAt(0) !== 86 || line.charCodeAt(1) !== 9) return;
    const fieldEnd = line.indexOf('\t', 2);
    if (fieldEnd < 0 || !wanted.has(line.slice(2, fieldEnd))) return;
    const [, field, value, name] = line.split('\t');
    if (!field || value === undefined || !name) return;
    let table = tables.get(field);
    if (!table) tables.set(field, (table = new Map<number, string>()));
    table.set(parseInteger(value), name);
  });
  const [result] = await Promise.all([subprocess, reading]);
  if (result.failed)
    throw new TeamsharkError('tshark-failed', `"${tshark.path} -G values" failed: ${result.shortMessage}`);
  return tables;
}
