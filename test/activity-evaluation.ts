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

type Activity = Application['dominantActivity'];
type Confidence = Application['confidence'];

export interface Judgement extends LabelledSource {
  activity: Activity;
  activities: Application['activities'];
  confidence: Confidence;
  /** Every other activity Teamshark saw, with the strongest confidence any segment gave it. */
  secondary: { activity: Activity; confidence: Confidence }[];
  right: boolean;
}

const CONFIDENCE_RANK: Record<Confidence, number> = { low: 0, medium: 1, high: 2 };

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

/** Each activity other than the dominant one, with the strongest confidence a segment gave it. */
function secondaryOf(application: Application): Judgement['secondary'] {
  const strongest = new Map<Activity, Confidence>();
  for (const { activity, confidence } of application.timeline.flatMap((s) => s.confidences)) {
    const known = strongest.get(activity);
    if (activity !== application.dominantActivity && (!known || CONFIDENCE_RANK[confidence] > CONFIDENCE_RANK[known]))
      strongest.set(activity, confidence);
  }
  return application.activities.flatMap((activity) => {
    const confidence = strongest.get(activity);
    return confidence ? [{ activity, confidence }] : [];
  });
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
    secondary: secondaryOf(application),
    right,
  };
}

/**
 * What a call holds whatever else the user did: its set-up, and a video call's (or a screen share's) audio and
 * video. Beside a call of the label's kind these are never wrong; anything else not in the label is.
 */
const PART_OF: Partial<Record<Activity, readonly Activity[]>> = {
  audio: ['call-setup'],
  video: ['audio', 'call-setup'],
  screenshare: ['video', 'audio', 'call-setup'],
};

/**
 * The labels Teamshark gave at "high" that the label contradicts: the dominant activity when it is wrong, and
 * any other activity at "high" that is neither in the label nor part of the labelled call.
 */
export function wrongHighs(j: Judgement): string[] {
  const label = j.label.split('+') as Activity[];
  const expected = new Set([...label, ...label.flatMap((a) => PART_OF[a] ?? [])]);
  return [
    ...(!j.right && j.confidence === 'high' ? [j.activity] : []),
    ...j.secondary.filter((s) => s.confidence === 'high' && !expected.has(s.activity)).map((s) => `also ${s.activity}`),
  ];
}

/** What Teamshark said of the labelled activities: `audio (high) + file (low)`, or the wrong dominant activity. */
function answered(j: Judgement): string {
  if (!j.right) return `${j.activity} (${j.confidence})`;
  const [, ...also] = j.label.split('+');
  return [
    `${j.activity} (${j.confidence})`,
    ...also.map((a) => `${a} (${j.secondary.find((s) => s.activity === a)!.confidence})`),
  ].join(' + ');
}

/** Per source: how many right, and each label against what Teamshark said, with the confidence of each answer. */
export function evaluationTable(judgements: readonly Judgement[]): string {
  const sources = [...new Set(judgements.map((j) => j.source))];
  const lines = [
    '| Source | Right | Label → Teamshark (confidence: count) | Wrong "high" (main or also) |',
    '|---|---|---|---|',
  ];
  for (const source of sources) {
    const mine = judgements.filter((j) => j.source === source);
    const cells = new Map<string, number>();
    for (const j of mine) {
      const key = `${j.label} → ${answered(j)}`;
      cells.set(key, (cells.get(key) ?? 0) + 1);
    }
    const confusion = [...cells.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, count]) => `${key}: ${count}`)
      .join('; ');
    const wrongHigh = mine.flatMap(wrongHighs).length;
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
