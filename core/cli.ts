#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EXIT, USAGE, parseCommandLine, usage, type CliValues } from './commands/command-line.js';
import { plainText } from './report/escape.js';
import { AnalysisCancelled, TeamsharkError } from './util/errors.js';
import { TOOL_VERSION } from './util/version.js';

interface Command {
  run: (args: string[], values: CliValues) => Promise<number>;
}

/** Each command's module, loaded only when it runs (DuckDB, node-forge and the scenarios are large). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  analyze: () => import('./commands/analyze.js'),
  compare: () => import('./commands/compare.js'),
  sample: () => import('./commands/sample.js'),
  export: () => import('./commands/export.js'),
  query: () => import('./commands/query.js'),
  annotate: () => import('./commands/annotate.js'),
  'wireshark-profile': () => import('./commands/wireshark-profile.js'),
  mcp: () => import('./commands/mcp.js'),
};

/** Runs the command the arguments name; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    const { values, positionals } = parseCommandLine(argv);
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return EXIT.ok;
    }
    if (values.version) {
      process.stdout.write(`teamshark ${TOOL_VERSION}\n`);
      return EXIT.ok;
    }
    const [name, ...args] = positionals;
    if (name === undefined) throw usage('no command given');
    const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
    if (!load) throw usage(`unknown command "${name}"`);
    return await (await load()).run(args, values);
  } catch (error) {
    return failure(error);
  }
}

/** One line on stderr and the exit code: the user's error as it is, anything else as a bug to report. */
function failure(error: unknown): number {
  if (error instanceof AnalysisCancelled) {
    process.stderr.write('teamshark: interrupted\n');
    return EXIT.interrupted;
  }
  if (error instanceof TeamsharkError && error.code === 'usage') {
    process.stderr.write(`teamshark: ${plainText(error.message)}\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (error instanceof TeamsharkError) {
    process.stderr.write(`teamshark: ${plainText(error.message)}\n`);
    return EXIT.failed;
  }
  const detail = process.env.TEAMSHARK_DEBUG ? (error as Error).stack : (error as Error)?.message;
  process.stderr.write(
    `teamshark: internal error: ${plainText(String(detail))} (please report it; TEAMSHARK_DEBUG=1 shows the stack)\n`,
  );
  return EXIT.internal;
}

/** True when this file is the program (run as `teamshark`, through npm's bin link, or by path), not imported. */
function isMainModule(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMainModule()) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
