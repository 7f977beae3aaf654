import { execa } from 'execa';
import { TeamsharkError, oneLine } from '../errors.js';
import { describeErrors, validateEkRecord } from '../schema/validate.js';
import type { Warning } from '../schema/generated/report.js';
import type { TsharkInfo } from './locate.js';
import { lines } from './lines.js';
import { PacketRecord, ekKey } from './record.js';

/**
 * Options every analysis run gives tshark, and why:
 * - `-n`: no name resolution — names in the report come from the capture's own DNS, not from this machine's
 *   resolver, and the run stays offline and repeatable.
 * - `rtp_udp`, `rtcp_udp`: Teams media runs on dynamic UDP ports with no signalling tshark can see (it is
 *   inside TLS), so without these heuristics RTP/RTCP decode as "data".
 */
export const TSHARK_ANALYSIS_OPTIONS: readonly string[] = Object.freeze([
  '-n',
  '--enable-heuristic',
  'rtp_udp',
  '--enable-heuristic',
  'rtcp_udp',
]);

export interface EkRunOptions {
  tshark: TsharkInfo;
  capture: string;
  fields: readonly string[];
  /** Added after TSHARK_ANALYSIS_OPTIONS, e.g. user decode-as rules (`-d udp.port==50000,rtp`). */
  extraOptions?: readonly string[];
  signal?: AbortSignal;
  onPacket(packet: PacketRecord): void;
  warn(warning: Warning): void;
}

export interface EkRunResult {
  packets: number;
  /** The options given besides -r and -e. */
  options: string[];
}

/** Frames named in a warning about many records: enough to look at, not a list of thousands. */
const WARNING_FRAME_SAMPLE = 20;

export class AnalysisCancelled extends TeamsharkError {
  constructor() {
    super('analysis cancelled');
  }
}

/**
 * Runs one `tshark -T ek` pass over a capture and hands each validated packet to onPacket as it arrives:
 * the output is streamed line by line, never held whole. Records that fail the EK schema are counted and
 * reported as one warning; a capture cut short or damaged part-way yields the packets before the damage
 * and a warning. Everything else tshark refuses becomes a one-line TeamsharkError.
 */
export async function runEk(options: EkRunOptions): Promise<EkRunResult> {
  assertDistinctKeys(options.fields);
  const tsharkOptions = [...TSHARK_ANALYSIS_OPTIONS, ...(options.extraOptions ?? [])];
  let fields = options.fields;
  for (;;) {
    const outcome = await runOnce(options, fields, tsharkOptions);
    if ('unknownFields' in outcome) {
      // An older tshark lacks some fields: say which, and read the capture without them.
      const unknown = new Set(outcome.unknownFields);
      const remaining = fields.filter((f) => !unknown.has(f));
      if (remaining.length === fields.length) throw new TeamsharkError(`tshark rejected the field list: ${outcome.unknownFields.join(', ')}`);
      options.warn({
        code: 'fields-unavailable',
        message: `tshark ${options.tshark.version} does not know ${outcome.unknownFields.join(', ')}: the parts of the analysis that read them are incomplete`,
      });
      fields = remaining;
      continue;
    }
    return { ...outcome, options: tsharkOptions };
  }
}

async function runOnce(
  options: EkRunOptions,
  fields: readonly string[],
  tsharkOptions: string[],
): Promise<Omit<EkRunResult, 'options'> | { unknownFields: string[] }> {
  const args = ['-r', options.capture, '-T', 'ek', ...tsharkOptions, ...fields.flatMap((f) => ['-e', f])];
  const subprocess = execa(options.tshark.path, args, {
    reject: false,
    stdin: 'ignore',
    buffer: { stdout: false, stderr: true },
    maxBuffer: { stderr: 4 * 1024 * 1024 },
    cancelSignal: options.signal,
    forceKillAfterDelay: 2000,
  });

  let packets = 0;
  let previousTime = 0;
  const invalid = { count: 0, frames: [] as number[], firstError: '' };
  const unparsable = { count: 0, sample: '' };
  try {
    for await (const line of lines(subprocess.stdout)) {
      if (line.length === 0 || line.startsWith('{"index"')) continue;
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        unparsable.count++;
        unparsable.sample ||= line.slice(0, 80);
        continue;
      }
      if (!validateEkRecord(record)) {
        invalid.count++;
        if (invalid.frames.length < WARNING_FRAME_SAMPLE) invalid.frames.push(frameNumberOf(record));
        invalid.firstError ||= describeErrors(validateEkRecord.errors);
        continue;
      }
      packets++;
      const packet = new PacketRecord(record.layers, previousTime);
      previousTime = packet.time;
      options.onPacket(packet);
    }
  } catch (error) {
    // The iteration ends with the subprocess's own failure; the result below says what it was. An error
    // thrown by onPacket is ours, not tshark's, and must not be disguised as a tshark failure.
    if (!(error instanceof Error && 'exitCode' in error) && !options.signal?.aborted) {
      subprocess.kill();
      throw error;
    }
  }
  const result = await subprocess;

  if (options.signal?.aborted || result.isCanceled) throw new AnalysisCancelled();
  const stderr = cleanStderr(String(result.stderr ?? ''));
  const unknownFields = /Some fields aren't valid:\n((?:\s+\S+\n?)+)/.exec(stderr);
  if (unknownFields && packets === 0) return { unknownFields: unknownFields[1]!.trim().split(/\s+/) };
  if (invalid.count > 0) {
    options.warn({
      code: 'invalid-record',
      message: `${invalid.count} packet record(s) from tshark did not match the expected shape and were skipped (${invalid.firstError})`,
      count: invalid.count,
      frames: invalid.frames.filter((f) => f > 0),
    });
  }
  if (unparsable.count > 0) {
    options.warn({
      code: 'unparsable-output',
      message: `${unparsable.count} line(s) of tshark output were not JSON and were skipped (first: "${unparsable.sample}")`,
      count: unparsable.count,
    });
  }
  if (result.exitCode !== 0 || result.failed) {
    const damage = captureDamage(stderr);
    if (damage && packets > 0) {
      options.warn({ code: damage.code, message: `${damage.message}: the analysis covers the ${packets} packet(s) before it` });
    } else {
      throw tsharkFailure(options.capture, stderr, result.exitCode, result.signal, damage?.message);
    }
  }
  return { packets };
}

function frameNumberOf(record: unknown): number {
  const layers = (record as { layers?: { frame_number?: unknown } } | null)?.layers;
  const value = Array.isArray(layers?.frame_number) ? Number(layers.frame_number[0]) : NaN;
  return Number.isInteger(value) ? value : 0;
}

/** Two fields with the same EK key would silently overwrite each other in tshark's output. */
function assertDistinctKeys(fields: readonly string[]): void {
  const seen = new Map<string, string>();
  for (const field of fields) {
    const other = seen.get(ekKey(field));
    if (other !== undefined && other !== field) throw new Error(`fields ${other} and ${field} share EK key ${ekKey(field)}`);
    seen.set(ekKey(field), field);
  }
}

/** tshark's stderr without the banner it prints when run as root. */
export function cleanStderr(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => line.trim() && !/^Running as user .* This could be dangerous\.$/.test(line.trim()))
    .map((line) => line.replace(/^tshark: /, ''))
    .join('\n');
}

function captureDamage(stderr: string): { code: 'truncated-capture' | 'damaged-capture'; message: string } | undefined {
  if (/cut short in the middle of a packet/.test(stderr)) {
    return { code: 'truncated-capture', message: 'the capture is cut short in the middle of a packet' };
  }
  const damaged = /appears to be damaged or corrupt\.?\s*(?:\((.*)\))?/s.exec(stderr);
  if (damaged) {
    return { code: 'damaged-capture', message: `the capture is damaged${damaged[1] ? ` (${oneLine(damaged[1], 120)})` : ''}` };
  }
  return undefined;
}

function tsharkFailure(
  capture: string,
  stderr: string,
  exitCode: number | undefined,
  signal: string | undefined,
  damage: string | undefined,
): TeamsharkError {
  if (/isn't a capture file in a format TShark understands/.test(stderr)) {
    return new TeamsharkError(`${capture}: not a capture file (tshark does not recognise its format)`);
  }
  if (damage) return new TeamsharkError(`${capture}: ${damage}, before its first packet`);
  if (/doesn't exist/.test(stderr)) return new TeamsharkError(`${capture}: capture not found`);
  if (/ermission denied/.test(stderr)) return new TeamsharkError(`${capture}: cannot read the capture (permission denied)`);
  const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
  return new TeamsharkError(`tshark ${how} on ${capture}: ${oneLine(stderr || 'no message', 200)}`);
}
