import { classifyActivity } from '../../core/classify/activity.js';
import { classify, withServices } from '../../core/classify/index.js';
import type { FindingFacts, FindingRule } from '../../core/findings/finding.js';
import { findingsOf } from '../../core/findings/rules.js';
import type { CaptureModel } from '../../core/model/capture-model.js';
import type { CallQuality, Finding, StreamQuality } from '../../core/schema/generated/report.js';
import { summarize } from '../../core/summaries/index.js';
import { NameIndex } from '../../core/summaries/names.js';
import { at, captureModel } from './capture-model.js';

/**
 * What the rules read, made from a capture model by the real stages the analysis runs after tshark (names,
 * classification, services, summaries, activity): all of them pure, so a rule's test takes milliseconds and
 * its facts agree with one another. Call quality needs the quality stage's packets: a test gives it whole.
 */
export function factsFrom(parts: Partial<CaptureModel> = {}, quality?: CallQuality): FindingFacts {
  const model = captureModel(parts);
  const names = new NameIndex(model.dns, model.tls);
  const classification = classify(model, names);
  const flows = withServices(model.flows, classification.services);
  const summaries = summarize({ ...model, flows, names });
  const activity = classifyActivity({
    durationSec: model.capture.durationSec,
    flows,
    media: classification.media,
    streams: model.rtp.streams,
    stun: model.stun,
    payload: model.payload,
  });
  return { model, summaries, classification, flows, activity, quality };
}

/** The findings one rule states on these facts, as the report lists them (section added, frames sorted). */
export function findingsOfRule(rule: FindingRule, facts: FindingFacts): Finding[] {
  return findingsOf(facts, [rule]);
}

type StreamParts = Partial<Omit<StreamQuality, 'source' | 'destination'>> & { source: string; destination: string };

/** A stream as the quality stage judges one: outbound audio over direct UDP, nothing lost, judged good. */
export function streamQuality({ source, destination, ...parts }: StreamParts): StreamQuality {
  return {
    ssrc: '0x11111111',
    flowId: 'udp:0',
    source: at(source),
    destination: at(destination),
    kind: 'audio',
    direction: 'outbound',
    path: 'direct-udp',
    firstFrame: 1,
    packets: 500,
    expected: 500,
    lost: 0,
    lossPercent: 0,
    duplicates: 0,
    reordered: 0,
    clock: { rate: 48000, source: 'static-payload-type' },
    maxDeltaMs: 40,
    gaps: [],
    windows: {},
    series: { start: 0, packets: [], kbps: [], lossPercent: [] },
    dscp: [],
    verdict: 'good',
    crossed: [],
    targetsMissed: [],
    filter: `rtp.ssrc == ${parts.ssrc ?? '0x11111111'}`,
    ...parts,
  };
}

/** The call-quality stage's output for these streams. */
export function callQuality(streams: StreamQuality[], verdict: CallQuality['verdict'], reason = ''): CallQuality {
  return {
    verdict,
    reason,
    method: 'network-side estimate',
    binSeconds: 1,
    streams,
    roundTrips: [],
    rtcp: { packets: 0, readableBlocks: 0, unreadableBlocks: 0, note: '' },
  };
}
