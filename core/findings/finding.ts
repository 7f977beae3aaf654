import type { ActivityClassification } from '../classify/activity.js';
import type { Classification } from '../classify/index.js';
import type { ClassifiedFlow } from '../model/flows.js';
import type { CaptureModel } from '../model/capture-model.js';
import type { RuleSource } from '../knowledge/sources.js';
import type { CallQuality, Finding } from '../schema/generated/report.js';
import type { Summaries } from '../summaries/index.js';

/** What every rule may read: the outputs of the analysis stages before findings. Rules never change them. */
export interface FindingFacts {
  /** The capture model, as the collectors made it (its flows carry no service: use `flows`). */
  readonly model: CaptureModel;
  /** Derived tables (DNS names, cipher suites, parallel connections, …) and what the capture calls each address. */
  readonly summaries: Summaries;
  /** Address roles, NAT, media streams, the call's path. */
  readonly classification: Classification;
  /** The model's flows with the service the classification gave each. */
  readonly flows: readonly ClassifiedFlow[];
  /** The application section (activity timeline, call phases) and each segment's evidence. */
  readonly activity: ActivityClassification;
  /** Call quality per media stream (core/quality/), when the capture holds RTP. */
  readonly quality: CallQuality | undefined;
}

/**
 * A finding as a rule states it: the constructor adds the rule's section, makes the id safe and tidies the
 * frames (any order, duplicates and undefined allowed).
 */
export type FindingDraft = Omit<Finding, 'section' | 'frames'> & { frames: Iterable<number | undefined> };

/** One kind of finding (or a few closely related ones): the report section they belong in, and how to find them. */
export interface FindingRule {
  readonly section: Finding['section'];
  /**
   * The standard or document each kind of finding applies, where it rests on one: by kind (the id before "/"),
   * or by a whole id where only that finding of its kind does. get_finding gives it with the finding.
   */
  readonly sources?: Readonly<Record<string, RuleSource>>;
  find(facts: FindingFacts): FindingDraft[];
}

/** Frames listed as evidence per finding; the filter shows them all. */
export const EVIDENCE_FRAMES = 50;

/**
 * The one way a finding is made: evidence frames deduplicated, sorted and capped at EVIDENCE_FRAMES, and
 * never empty (a finding without frames is a rule's bug, not something to print); the id made safe; the time
 * of its first frame, when the capture's frame times are known.
 */
export function makeFinding(
  section: Finding['section'],
  draft: FindingDraft,
  frameTime?: (frame: number) => number | undefined,
): Finding {
  const frames = [...new Set(draft.frames)]
    .filter((f): f is number => f !== undefined)
    .sort((a, b) => a - b)
    .slice(0, EVIDENCE_FRAMES);
  const [first, ...rest] = frames;
  if (first === undefined) throw new Error(`finding ${draft.id} has no evidence frames`);
  const time = frameTime?.(first);
  return {
    id: safeId(draft.id),
    section,
    severity: draft.severity,
    title: draft.title,
    detail: draft.detail,
    frames: [first, ...rest],
    filter: draft.filter,
    ...(time !== undefined && { time }),
  };
}

/**
 * A finding's id is its kind, then what it is about ("dns-cname-chain/config.teams.microsoft.com"). The
 * subject comes from the capture, which may hold any bytes: anything outside the id alphabet becomes "-".
 */
function safeId(id: string): string {
  const slash = id.indexOf('/');
  if (slash < 0) return id;
  const subject = id
    .slice(slash + 1)
    .toLowerCase()
    .replace(/[^a-z0-9.:_[\]-]/g, '-');
  return `${id.slice(0, slash)}/${subject || '-'}`;
}
