import { parseArgs } from 'node:util';
import { TeamsharkError } from '../util/errors.js';

export const USAGE = `Usage: teamshark analyze <capture> [--format md|json|html] [--out FILE [--force]] [--timeout SECONDS] [--tshark PATH] [--decode-as RULE]... [--workers N] [--no-cache]
       teamshark analyze <capture|folder>... --out DIR [--jobs N] [--format md|json|html] [--force] [--timeout SECONDS]
       teamshark compare <capture> <capture>... [--format md|json] [--out FILE] [--chart FILE.svg] [--force] [--timeout SECONDS]
       teamshark sample [--scenario NAME] [--seed N] [--out FILE] [--truth FILE] [--keylog FILE] [--force] | [--list]
       teamshark export <capture|folder>... --out DATASET [--jobs N] [--format parquet|ecs-ndjson] [--force] [--timeout SECONDS] [--keylog FILE]
       teamshark analyze <capture> --format parquet --out DATASET [--force]
       teamshark query DATASET "SQL"|QUESTION [--format md|json] [--allow-write] | --list
       teamshark annotate <capture> --out ANNOTATED.pcapng [--force] [--keylog FILE] [--tshark PATH] [--decode-as RULE]...
       teamshark wireshark-profile [--out DIR] [--force] [--decode-as RULE]...
       teamshark mcp [--root DIR]... [--timeout SECONDS] [--tshark PATH]

analyze   analyses a packet capture of Microsoft Teams with tshark and prints the report; "-" reads the
          capture from standard input (teamshark sample | teamshark analyze -); given several captures or
          a folder, writes one report per capture into DIR and prints a summary table
compare   analyses several captures and prints one column per capture: activity, protocols, DNS volume,
          TCP/UDP/TLS/QUIC shares, packets/s and bytes/s, who receives the packets, TLS versions
sample    writes a synthetic Teams capture (pcapng) to --out or to a pipe: the default scenario is a short
          session with DNS, TLS, QUIC, chat and a relayed call; --list shows the other scenarios
export    analyses captures into a dataset: Parquet tables (flows, dns_lookups, tls_handshakes, findings…)
          partitioned by capture_id=<sha256 of the capture>, and a manifest; captures already in it are
          skipped (--force analyses them again); docs/dataset.md describes every column. With
          --format ecs-ndjson: Elasticsearch/OpenSearch _bulk files and their index template
query     answers SQL over a dataset with DuckDB (tables: captures, flows, dns_lookups, tls_handshakes,
          certificates, media_streams, stream_quality, activity_segments, findings, decrypted_requests,
          manifest), or a named
          question; --list shows the named questions. Queries only read, and only the dataset's folder:
          --allow-write lets SQL write files (COPY … TO) and read others
annotate  writes a copy of the capture (pcapng, with Wireshark's editcap) whose evidence frames carry the
          findings as packet comments and whose capture comment holds the summary; the capture is only read
wireshark-profile
          writes a Wireshark configuration profile "Teamshark" (colouring rules, filter buttons, columns and
          the preferences Teamshark analyses with) to DIR (default: Wireshark's profiles folder)
mcp       serves Teamshark's tools to AI agents as a Model Context Protocol server on standard input and
          output (analyze_capture, get_finding, call_quality, packets, compare_captures); it reads
          captures only under the --root folders (default: the working directory)

Options:
  --format md|json|html  report format (default: md); html is one self-contained page with its chart;
                     parquet: the capture's partition of a dataset (--out DATASET); ecs-ndjson: its flows,
                     findings and media as Elastic Common Schema documents with _bulk action lines
  --out FILE         write to FILE instead of standard output; with md the packets-per-second chart is
                     written beside it (FILE's name + .packets-per-second.svg) and linked
  --chart FILE.svg   compare: where to write the packets-per-second chart of all captures
  --force            replace files that --out and --chart would write if they exist (otherwise: an error)
  --timeout SECONDS  stop tshark and fail when one capture's analysis takes longer (default: no limit)
  --tshark PATH      tshark to run (default: $TEAMSHARK_TSHARK, then PATH)
  --decode-as RULE   passed to tshark as -d RULE, e.g. udp.port==50000,rtp
  --jobs N           several captures: how many to analyse at once (default: the number of cores)
  --no-cache         analyze: analyse the capture again instead of reading its saved report (one capture
                     file's report is saved in ~/.cache/teamshark/reports, $TEAMSHARK_CACHE_DIR/reports)
  --workers N        tsharks reading one large capture in parallel chunks (default: the number of cores;
                     also TEAMSHARK_WORKERS)
  --scenario NAME    sample: which scenario to write (default: default)
  --seed N           sample: the seed; the same seed writes the same bytes (default: 1)
  --truth FILE       sample: also write the scenario's ground truth (JSON) to FILE
  --list             sample: list the scenarios, one line each; query: list the named questions
  --root DIR         mcp: a folder the server may read captures from (repeatable)
  --allow-write      query: let the SQL write files and read outside the dataset (default: read the dataset only)
  --keylog FILE      analyze, annotate, export: decrypt TLS with this key log (SSLKEYLOGFILE format); the report
                     shows the decrypted requests' method, host, path template, status and sizes, never secrets,
                     cookies or bodies (export: the decrypted_requests table; a capture the dataset holds needs
                     --force); annotate also embeds the keys in the pcapng (which then holds them);
                     sample: write the key log of the sample's own TLS sessions to FILE
  -h, --help         show this help
  -v, --version      show the version`;

/** Exit codes: 0 done, 1 the analysis failed (the message says why), 2 usage, 70 internal error, 130 Ctrl-C. */
export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 70, interrupted: 130 } as const;

const OPTIONS = {
  format: { type: 'string' },
  out: { type: 'string' },
  chart: { type: 'string' },
  force: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  tshark: { type: 'string' },
  'decode-as': { type: 'string', multiple: true },
  jobs: { type: 'string' },
  workers: { type: 'string' },
  scenario: { type: 'string' },
  seed: { type: 'string' },
  truth: { type: 'string' },
  list: { type: 'boolean' },
  'allow-write': { type: 'boolean', default: false },
  keylog: { type: 'string' },
  'no-cache': { type: 'boolean', default: false },
  root: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** The options as given on the command line, before any command reads them. */
export type CliValues = ReturnType<typeof parseCommandLine>['values'];

/** The words and options; anything parseArgs refuses (an unknown option) is a usage error. */
export function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw usage((error as Error).message);
  }
}

/** A command line Teamshark cannot act on: the CLI prints the message, then the usage, and exits 2. */
export function usage(message: string): TeamsharkError {
  return new TeamsharkError('usage', message);
}

/** For the commands that take no capture or other word after their name. */
export function refuseArguments(args: readonly string[]): void {
  if (args.length) throw usage(`unexpected argument "${args[0]}"`);
}
