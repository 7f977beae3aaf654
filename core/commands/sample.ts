import { DEFAULT_SEED, SCENARIOS, writeSample } from '../sample/index.js';
import { TeamsharkError } from '../util/errors.js';
import { EXIT, refuseArguments, type CliValues } from './command-line.js';
import { writeAtomically, writeStdout } from './output.js';

export interface SampleOptions {
  scenario?: string;
  seed?: string;
  out?: string;
  truth?: string;
  keylog?: string;
  list?: boolean;
}

export interface SampleOutput {
  /** Text for standard output (the list), or the pcapng when no --out is given. */
  stdout?: string | Buffer;
  files: { path: string; content: string | Buffer }[];
}

/** `teamshark sample`: writes the files it asks for, then its standard output. */
export async function run(args: string[], values: CliValues): Promise<number> {
  refuseArguments(args);
  const output = sampleCommand(values, process.stdout.isTTY === true);
  for (const file of output.files) await writeAtomically(file.path, file.content, values.force);
  if (output.stdout !== undefined) await writeStdout(output.stdout);
  return EXIT.ok;
}

/**
 * The scenario list, or a scenario's pcapng (to --out or standard output) and its
 * ground truth (to --truth).
 */
export function sampleCommand(options: SampleOptions, stdoutIsTerminal: boolean): SampleOutput {
  if (options.list) {
    const width = Math.max(...SCENARIOS.map((s) => s.name.length));
    return { stdout: `${SCENARIOS.map((s) => `${s.name.padEnd(width)}  ${s.description}`).join('\n')}\n`, files: [] };
  }
  const seed = options.seed === undefined ? DEFAULT_SEED : Number(options.seed);
  if (!/^\d+$/.test(options.seed ?? '0') || !Number.isSafeInteger(seed))
    throw new TeamsharkError('invalid-option', `--seed must be a whole number, not "${options.seed}"`);
  if (!options.out && stdoutIsTerminal)
    throw new TeamsharkError(
      'stdout-is-terminal',
      'a capture is binary: write it with --out FILE, or pipe it (teamshark sample | teamshark analyze -)',
    );
  const sample = writeSample(options.scenario, seed);
  const files = [];
  if (options.out) files.push({ path: options.out, content: sample.pcapng });
  if (options.truth) files.push({ path: options.truth, content: `${JSON.stringify(sample.truth, null, 2)}\n` });
  if (options.keylog) files.push({ path: options.keylog, content: sample.keylog });
  return { stdout: options.out ? undefined : sample.pcapng, files };
}
