import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { TSHARK_ANALYSIS_OPTIONS } from '../core/tshark/run.js';

/** A frame a display filter matches, with its TCP streams, RTP SSRCs and DNS response flags (each occurrence). */
export interface Match {
  frame: number;
  tcpStream?: string;
  ssrcs: string[];
  /** "false" for a query, "true" for a response; several occurrences joined by commas. */
  dnsResponse?: string;
}

// The script lives beside this file's source, not in out/ (tsc copies no Lua).
const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/filter-matches.lua');

/**
 * What tshark shows for each of the display filters, read with the analysis' own options, in one pass over the
 * capture: a tap per filter (test/filter-matches.lua) instead of one `tshark -Y filter` per filter. Throws on a
 * filter tshark refuses, as `-Y` would.
 */
export async function filterMatches(capture: string, filters: readonly string[]): Promise<Match[][]> {
  const matches: Match[][] = filters.map(() => []);
  if (filters.length === 0) return matches;
  for (const filter of filters) if (/[\r\n]/.test(filter)) throw new Error(`a filter on several lines: ${filter}`);
  const folder = await mkdtemp(join(tmpdir(), 'teamshark-filters-'));
  try {
    const filtersFile = join(folder, 'filters.txt');
    await writeFile(filtersFile, filters.join('\n') + '\n');
    const { stdout } = await execa('tshark', [
      '-r',
      capture,
      ...TSHARK_ANALYSIS_OPTIONS,
      '-q',
      '-X',
      `lua_script:${SCRIPT}`,
      '-X',
      `lua_script1:${filtersFile}`,
    ]);
    let registered = 0;
    for (const line of stdout.split('\n')) {
      const [kind, first, ...rest] = line.split('\t');
      if (kind === 'filters') registered = Number(first);
      else if (kind === 'invalid')
        throw new Error(`tshark refuses the filter ${filters[Number(first) - 1]}: ${rest[0]}`);
      else if (kind === 'match') {
        const [frame, tcpStream, ssrcs, dnsResponse] = rest;
        matches[Number(first) - 1]!.push({
          frame: Number(frame),
          tcpStream: tcpStream || undefined,
          ssrcs: ssrcs ? ssrcs.split(',') : [],
          dnsResponse: dnsResponse || undefined,
        });
      }
    }
    if (registered !== filters.length)
      throw new Error(`tshark ran ${registered} of ${filters.length} filters: is it built with Lua (tshark -v)?`);
    return matches;
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
