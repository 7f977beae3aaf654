import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Application } from '../core/schema/generated/report.js';
import { SHARED_CAPTURES } from './helpers.js';

/**
 * The activity classifier judged by source: the 40 captures of teams-activities/ (one course group, the one the
 * thresholds are fitted on) and each group of teams-more/ (three other groups, never fitted on). The README's
 * table is this module's output; test/activity.test.ts fails when the README's copy is stale, and
 * `node out/test/activity-evaluation.js` writes it.
 */

/** A labelled capture, with the source it comes from. */
export interface LabelledSource {
  /** As sharedCapture() takes it: `teams-more/idle-lan-A1.pcapng`. */
  capture: string;
  source: string;
  /** The label; `audio+file` is a call with a file sent during it. */
  label: string;
}

export interface Judgement extends LabelledSource {
  activity: Application['dominantActivity'];
  activities: Application['activities'];
  confidence: Application['confidence'];
  right: boolean;
}

const README = resolve(fileURLToPath(import.meta.url), '../../../README.md');
const START = '<!-- activity-evaluation:start (written by node out/test/activity-evaluation.js) -->';
const END = '<!-- activity-evaluation:end -->';

function labelRows(folder: string): string[][] {
  try {
    return readFileSync(join(SHARED_CAPTURES, folder, 'LABELS.tsv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split('\t'));
  } catch {
    return [];
  }
}

/** Every labelled capture of teams-activities/ and teams-more/, each with its source (the group, from LABELS.tsv). */
export function labelledSources(): LabelledSource[] {
  const course = labelRows('teams-activities').map(([file, label]) => ({
    capture: `teams-activities/${file}`,
    source: 'teams-activities (Baboushka)',
    label: label!,
  }));
  const more = labelRows('teams-more').map(([file, label, , source]) => ({
    capture: `teams-more/${file}`,
    source: `teams-more (${source!.split('/')[0]})`,
    label: label!,
  }));
  return [...course, ...more];
}

/** Right when the dominant activity is the label; a call with a file (`audio+file`) is the call, with the file in it. */
export function judge(labelled: LabelledSource, application: Application): Judgement {
  const [main, ...also] = labelled.label.split('+');
  const right = application.dominantActivity === main && also.every((a) => application.activities.includes(a as never));
  return {
    ...labelled,
    activity: application.dominantActivity,
    activities: application.activities,
    confidence: application.confidence,
    right,
  };
}

/** Per source: how many right, and each label against what Teamshark said, with the confidence of each answer. */
export function evaluationTable(judgements: readonly Judgement[]): string {
  const sources = [...new Set(judgements.map((j) => j.source))];
  const lines = ['| Source | Right | Label → Teamshark (confidence: count) | Wrong "high" |', '|---|---|---|---|'];
  for (const source of sources) {
    const mine = judgements.filter((j) => j.source === source);
    const cells = new Map<string, number>();
    for (const j of mine) {
      const key = `${j.label} → ${j.right && j.label.includes('+') ? j.label : j.activity} (${j.confidence})`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    const confusion = [...cells.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `${key}: ${count}`)
      .join('; ');
    const wrongHigh = mine.filter((j) => !j.right && j.confidence === 'high').length;
    lines.push(`| ${source} | ${mine.filter((j) => j.right).length}/${mine.length} | ${confusion} | ${wrongHigh} |`);
  }
  return lines.join('\n');
}

/** The README with its evaluation table replaced by this one. */
export function readmeWithTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${START} … ${END} block`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

export function readmeText(): string {
  return readFileSync(README, 'utf8');
}

async function writeReadmeTable(): Promise<void> {
  const { analyzeCapture } = await import('../core/analyze.js');
  const judgements: Judgement[] = [];
  for (const labelled of labelledSources()) {
    const { application } = await analyzeCapture(join(SHARED_CAPTURES, labelled.capture));
    judgements.push(judge(labelled, application));
  }
  writeFileSync(README, readmeWithTable(readmeText(), evaluationTable(judgements)));
  console.log(evaluationTable(judgements));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await writeReadmeTable();
