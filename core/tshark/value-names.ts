import { execa } from 'execa';
import { TeamsharkError } from '../errors.js';
import type { TsharkInfo } from './locate.js';
import { forEachLine } from './lines.js';
import { parseInteger } from './record.js';

/** The name tshark gives a field's value ("0xc030" of tls.handshake.ciphersuite → its IANA name). */
export type ValueNames = (field: string, code: number) => string | undefined;

const cache = new Map<string, Promise<Map<string, Map<number, string>>>>();

/**
 * Loads value names from the installed tshark's own tables (`tshark -G values`), so cipher suites,
 * record types and extensions are named exactly as the decoder that read the capture names them.
 * Only the fields asked for are kept; the table is read once per tshark binary and version.
 */
export async function loadValueNames(tshark: TsharkInfo, fields: readonly string[]): Promise<ValueNames> {
  const key = `${tshark.path}\0${tshark.version}\0${[...fields].sort().join(',')}`;
  let tables = cache.get(key);
  if (!tables) {
    tables = readValueTables(tshark, new Set(fields));
    cache.set(key, tables);
    tables.catch(() => cache.delete(key));
  }
  const loaded = await tables;
  return (field, code) => loaded.get(field)?.get(code);
}

async function readValueTables(tshark: TsharkInfo, wanted: Set<string>): Promise<Map<string, Map<number, string>>> {
  const tables = new Map<string, Map<number, string>>();
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
  if (result.failed) throw new TeamsharkError(`"${tshark.path} -G values" failed: ${result.shortMessage}`);
  return tables;
}
