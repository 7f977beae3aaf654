import assert from 'node:assert/strict';
import type { ActivityClassification } from '../../core/classify/activity.js';
import type { FindingRule } from '../../core/findings/finding.js';
import { activitySegments, callPhases } from '../../core/findings/activity.js';
import type { Application } from '../../core/schema/generated/report.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

type Segment = Application['timeline'][number];
type Phase = Application['phases'][number];

const audio: Segment = {
  start: 10,
  end: 40,
  activity: 'audio',
  activities: ['audio', 'chat'],
  confidence: 'high',
  confidences: [
    { activity: 'audio', confidence: 'high' },
    { activity: 'chat', confidence: 'low' },
  ],
  evidence: ['audio stream 0x11111111 for 30 s', 'also chat (low): an exchange with the chat service'],
};
const idle: Segment = {
  ...audio,
  start: 0,
  end: 10,
  activity: 'idle',
  activities: ['idle'],
  confidences: [{ activity: 'idle', confidence: 'medium' }],
  evidence: [],
};

/** The activity stage's output with these segments (those with evidence) and call phases. */
function activity(evidenced: Segment[], phases: Phase[] = [], timeline = evidenced): ActivityClassification {
  return {
    application: {
      dominantActivity: 'audio',
      confidence: 'high',
      reason: '',
      activities: ['audio'],
      windowSeconds: 10,
      timeline,
      phases,
    },
    evidence: evidenced.map((segment) => ({ segment, frames: [300, 100], filter: 'rtp.ssrc == 0x11111111' })),
  };
}
const findings = (rule: FindingRule, classification: ActivityClassification) =>
  findingsOfRule(rule, { ...factsFrom(), activity: classification });

describe('findings/activity: the activity timeline and the call phases', function () {
  it('states each segment with evidence: its span, what else it holds and how sure each is, its frames', function () {
    assert.deepEqual(findings(activitySegments, activity([audio], [], [idle, audio])), [
      {
        id: 'activity/audio-10',
        section: 'application',
        severity: 'info',
        title: '10–40 s: audio call (also chat, low)',
        detail:
          'audio stream 0x11111111 for 30 s; also chat (low): an exchange with the chat service. Confidence high.',
        frames: [100, 300],
        filter: 'rtp.ssrc == 0x11111111',
      },
    ]);
  });

  it('states each call phase, the set-up filtered by time, the others by their frames', function () {
    const phases: Phase[] = [
      { phase: 'setup', start: 8, end: 10, detail: 'STUN and TURN to the relays', frames: [50, 51] },
      { phase: 'screenshare-start', start: 25, end: 25, detail: 'a sharing stream starts', frames: [900] },
    ];
    const [setup, sharing] = findings(callPhases, activity([], phases));
    assert.equal(setup!.id, 'call-phase/setup');
    assert.equal(setup!.title, 'Call setup at 8 s–10 s');
    assert.equal(setup!.filter, '(stun || classicstun) && frame.time_relative <= 10');
    assert.equal(sharing!.title, 'Call screen sharing starts at 25 s');
    assert.equal(sharing!.filter, 'frame.number == 900');
  });

  it('says nothing of a capture without evidenced segments or phases', function () {
    assert.deepEqual(findings(activitySegments, activity([], [], [idle])), []);
    assert.deepEqual(findings(callPhases, activity([])), []);
  });
});
