import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../core/sample/index.js';
import { renderMarkdown } from '../core/report/markdown.js';
import { TeamsharkError } from '../core/util/errors.js';
import type { Report } from '../core/schema/generated/report.js';
import { SHARED_CAPTURES, analyzed, sampleCapture, sharedCaptureNames } from './helpers.js';

/**
 * Golden reports: the Markdown report of every shared capture and every sample scenario, committed under
 * test/golden/ (as nDPI keeps `result/*.out` beside its pcaps), so that a change in what Teamshark says shows
 * in review as a diff of what it says. `npm run goldens` rewrites them; test/golden.test.ts compares.
 */

export const GOLDEN_FOLDER = resolve(dirname(fileURLToPath(import.meta.url)), '../../test/golden');

/** The tshark version is the one volatile fact a report prints: the golden names it in this file instead. */
export const TSHARK_VERSION_FILE = join(GOLDEN_FOLDER, 'TSHARK_VERSION');

export interface GoldenCase {
  /** The capture's path below ../shared/captures, or `samples/<scenario>`: the golden is `<name>.md`. */
  name: string;
  /** The capture to analyse, or a sample scenario to write first. */
  source: { capture: string } | { scenario: string };
}

export const goldenFile = (name: string) => join(GOLDEN_FOLDER, `${name}.md`);

/** Every shared capture the tests read (sharedCaptureNames) and every sample scenario, in a stable order. */
export function goldenCases(): GoldenCase[] {
  const captures = sharedCaptureNames().map((name) => ({ name, source: { capture: join(SHARED_CAPTURES, name) } }));
  const samples = SCENARIOS.map(({ name }) => ({ name: `samples/${name}`, source: { scenario: name } }));
  return [...captures, ...samples];
}

/** The golden files present in test/golden/, as case names (to find goldens whose capture is gone). */
export function goldenNames(): string[] {
  return readdirSync(GOLDEN_FOLDER, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => file.replace(/\.md$/, ''));
}

/** The case's report, from the run's shared analysis cache, or the one-line error a user would read. */
export async function goldenReport(goldenCase: GoldenCase): Promise<Report | TeamsharkError> {
  const capture =
    'capture' in goldenCase.source ? goldenCase.source.capture : sampleCapture(goldenCase.source.scenario).path;
  try {
    return await analyzed(capture);
  } catch (error) {
    if (error instanceof TeamsharkError) return error;
    throw error;
  }
}

/**
 * The golden text: the Markdown report with the capture named as the case is (not by the path it was read
 * from) and tshark's version left out (TSHARK_VERSION holds it); a capture Teamshark refuses gets its error.
 */
export function goldenMarkdown(goldenCase: GoldenCase, report: Report | TeamsharkError): string {
  if (report instanceof TeamsharkError) return `# Teamshark report: ${goldenCase.name}\n\nerror: ${report.message}\n`;
  const capture = { ...report.capture, file: goldenCase.name, tshark: { ...report.capture.tshark, version: 'x.y.z' } };
  return renderMarkdown({ ...report, capture });
}
