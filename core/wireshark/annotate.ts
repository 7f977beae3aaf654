import { rename, rm } from 'node:fs/promises';
import type { Finding, Report } from '../schema/generated/report.js';
import { runEditcap } from './editcap.js';
import { count } from '../util/plural.js';
import { appendTo } from '../util/collections.js';

/** What every comment Teamshark adds starts with: `frame.comment contains "Teamshark"` finds them all. */
export const COMMENT_PREFIX = 'Teamshark';

/** editcap takes its comments as arguments: past this many characters a further pass adds the rest. */
const ARGUMENT_CHARACTERS_PER_PASS = 100_000;

/**
 * The packet comment of every evidence frame: "Teamshark: <finding title> [finding id]", the findings that
 * cite one frame joined in report order (editcap -a replaces a frame's comment, so one comment holds them all).
 */
export function frameComments(findings: readonly Finding[]): Map<number, string> {
  const titles = new Map<number, string[]>();
  for (const finding of findings) {
    const text = `${clean(finding.title)} [${finding.id}]`;
    for (const frame of new Set(finding.frames)) appendTo(titles, frame, [text]);
  }
  return new Map(
    [...titles].sort(([a], [b]) => a - b).map(([frame, texts]) => [frame, `${COMMENT_PREFIX}: ${texts.join(' | ')}`]),
  );
}

/** The capture comment: what Teamshark concluded about the whole capture, and with which tools. */
export function captureComment(report: Report): string {
  const { application, call, capture } = report;
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  const lines = [
    `${COMMENT_PREFIX} ${report.tool.version} analysis (tshark ${capture.tshark.version})`,
    `Activity: ${application.dominantActivity} (${application.confidence} confidence): ${clean(application.reason)}`,
    `Call path: ${call ? `${call.path}: ${clean(call.reason)}` : 'no call media'}`,
    `Call quality (network-side estimate): ${report.quality ? `${report.quality.verdict}: ${clean(report.quality.reason)}` : 'no RTP media to judge'}`,
    `Findings: ${report.findings.length} (${count(warnings, 'warning')}); each evidence frame carries a "${COMMENT_PREFIX}: …" packet comment`,
  ];
  if (report.decryption)
    lines.push(
      `Decrypted with a TLS key log: ${report.decryption.sessionsDecrypted} of ${report.decryption.sessions} TLS session(s)`,
    );
  return lines.join('\n');
}

export interface AnnotateOptions {
  editcap: string;
  capture: string;
  /** Where editcap writes the pcapng (a temporary file the caller moves into place). */
  out: string;
  /** A TLS key log to embed as a Decryption Secrets Block. */
  keylog?: string;
  signal?: AbortSignal;
}

/**
 * Writes the annotated pcapng with editcap: the capture comment and, per evidence frame, its packet comment.
 * The capture is only read. Comments beyond what one command line holds are added in further passes over
 * the output.
 */
export async function writeAnnotatedCapture(report: Report, options: AnnotateOptions): Promise<void> {
  const passes = argumentPasses([...frameComments(report.findings)].map(([frame, comment]) => `${frame}:${comment}`));
  const first = ['-F', 'pcapng', '--capture-comment', captureComment(report)];
  if (options.keylog) first.push('--inject-secrets', `tls,${options.keylog}`);
  await runEditcap(
    options.editcap,
    [...first, ...annotations(passes[0] ?? []), options.capture, options.out],
    options.signal,
  );
  for (const pass of passes.slice(1)) {
    const previous = `${options.out}.pass`;
    await rename(options.out, previous);
    try {
      await runEditcap(options.editcap, ['-F', 'pcapng', ...annotations(pass), previous, options.out], options.signal);
    } finally {
      await rm(previous, { force: true });
    }
  }
}

function annotations(pass: readonly string[]): string[] {
  return pass.flatMap((annotation) => ['-a', annotation]);
}

function argumentPasses(annotations: readonly string[]): string[][] {
  const passes: string[][] = [];
  let size = Infinity;
  for (const annotation of annotations) {
    if (size + annotation.length > ARGUMENT_CHARACTERS_PER_PASS) {
      passes.push([]);
      size = 0;
    }
    passes.at(-1)!.push(annotation);
    size += annotation.length;
  }
  return passes;
}

/** One line without control characters: a comment is shown in one cell of Wireshark's packet list. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- the control characters are what is replaced
  return text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}
