import { classifyModel } from '../../core/analyze.js';
import { summarizeCall } from '../../core/classify/media.js';
import type { FindingFacts, FindingRule } from '../../core/findings/finding.js';
import { findingsOf } from '../../core/findings/rules.js';
import type { CaptureModel } from '../../core/model/capture-model.js';
import type { CallQuality, Finding, MediaStream, StreamQuality } from '../../core/schema/generated/report.js';
import { at, captureModel, type Between } from './capture-model.js';

/**
 * What the rules read, made from a capture model by the stages the analysis runs on it (classifyModel: names,
 * classification, services, summaries, activity): none starts tshark, so a rule's test takes milliseconds
 * and its facts agree with one another. Call quality needs the quality stage's packets: a test gives it whole.
 */
export function factsFrom(parts: Partial<CaptureModel> = {}, quality?: CallQuality): FindingFacts {
  const model = captureModel(parts);
  const { summaries, classification, flows, activity } = classifyModel(model);
  return { model, summaries, classification, flows, activity, quality };
}

/** Facts whose classification found these media streams, and the call they make. */
export function factsWithMedia(media: MediaStream[]): FindingFacts {
  const facts = factsFrom();
  return { ...facts, classification: { ...facts.classification, media, call: summarizeCall(media) } };
}

/** The findings one rule states on these facts, as the report lists them (section added, frames sorted). */
export function findingsOfRule(rule: FindingRule, facts: FindingFacts): Finding[] {
  return findingsOf(facts, [rule]);
}

/** A stream as the quality stage judges one: outbound audio over direct UDP, nothing lost, judged good. */
export function streamQuality({ source, destination, ...parts }: Between<StreamQuality>): StreamQuality {
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
