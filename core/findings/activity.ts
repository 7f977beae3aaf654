import type { Application } from '../schema/generated/report.js';
import { anyOf } from '../util/display-filter.js';
import type { FindingDraft, FindingRule } from './finding.js';

const ACTIVITY_WORDS: Record<Application['dominantActivity'], string> = {
  idle: 'idle',
  chat: 'chat',
  file: 'file transfer',
  'call-setup': 'call set-up',
  audio: 'audio call',
  video: 'video call',
  screenshare: 'screen sharing',
  unknown: 'unknown activity',
};

/** One finding per labelled segment of the activity timeline (idle ones aside: they have no evidence). */
export const activitySegments: FindingRule = {
  section: 'application',
  find: ({ activity }) =>
    activity.evidence.map(({ segment, frames, filter }): FindingDraft => ({
      id: `activity/${segment.activity}-${segment.start}`,
      severity: 'info',
      title: `${segment.start}–${segment.end} s: ${ACTIVITY_WORDS[segment.activity]}${
        segment.confidences.length > 1
          ? ` (also ${segment.confidences
              .slice(1)
              .map((c) => `${ACTIVITY_WORDS[c.activity]}, ${c.confidence}`)
              .join('; ')})`
          : ''
      }`,
      detail: `${segment.evidence.join('; ')}. Confidence ${segment.confidence}.`,
      frames,
      filter,
    })),
};

const PHASE_WORDS: Partial<Record<Application['phases'][number]['phase'], string>> = {
  'app-start': 'App start-up',
  'screenshare-start': 'Call screen sharing starts',
};

/** One finding per phase: the app's start-up; a call's set-up, signalling, media, screen sharing, end. */
export const callPhases: FindingRule = {
  section: 'application',
  find: ({ activity }) =>
    activity.application.phases.map((phase): FindingDraft => ({
      id: `call-phase/${phase.phase}`,
      severity: 'info',
      title: `${PHASE_WORDS[phase.phase] ?? `Call ${phase.phase}`} at ${phase.start} s${phase.end > phase.start ? `–${phase.end} s` : ''}`,
      detail: phase.detail,
      frames: phase.frames,
      filter:
        phase.phase === 'setup'
          ? `(stun || classicstun) && frame.time_relative <= ${phase.end}`
          : anyOf('frame.number', phase.frames),
    })),
};
