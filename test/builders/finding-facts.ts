import { classifyActivity } from '../../core/classify/activity.js';
import { classify, withServices } from '../../core/classify/index.js';
import type { FindingFacts, FindingRule } from '../../core/findings/finding.js';
import { findingsOf } from '../../core/findings/rules.js';
import type { CaptureModel } from '../../core/model/capture-model.js';
import type { CallQuality, Finding } from '../../core/schema/generated/report.js';
import { summarize } from '../../core/summaries/index.js';
import { NameIndex } from '../../core/summaries/names.js';
import { captureModel } from './capture-model.js';

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
