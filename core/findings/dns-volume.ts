import type { DnsTransaction, RtpStream } from '../schema/generated/report.js';
import type { FindingDraft, FindingRule } from './finding.js';

/** Below this, a call window or the rest of the capture is too short for a rate to mean anything. */
const MINIMUM_SECONDS = 2;

/**
 * DNS lookups while call media flows compared with the rest of the capture: a Teams client resolves relays,
 * signalling and telemetry names around a call (the manual study saw about ten times more DNS then).
 */
export const dnsVolume: FindingRule = {
  section: 'dns',
  find: ({ model }) => dnsVolumeFindings(model.dns, model.rtp.streams, model.capture.durationSec),
};

function dnsVolumeFindings(
  dns: readonly DnsTransaction[],
  streams: readonly RtpStream[],
  durationSec: number,
): FindingDraft[] {
  const media = streams.filter((s) => s.packets >= 20);
  const lookups = dns.filter((t) => t.protocol === 'dns' && t.queryFrame !== undefined);
  if (media.length === 0 || lookups.length === 0) return [];
  const start = Math.min(...media.map((s) => s.start));
  const end = Math.max(...media.map((s) => s.end));
  const callSeconds = end - start;
  const otherSeconds = durationSec - callSeconds;
  if (callSeconds < MINIMUM_SECONDS || otherSeconds < MINIMUM_SECONDS) return [];
  const during = lookups.filter((t) => t.time >= start && t.time <= end);
  const outside = lookups.length - during.length;
  const perMinute = (n: number, seconds: number) => Math.round((n / seconds) * 600) / 10;
  const duringRate = perMinute(during.length, callSeconds);
  const outsideRate = perMinute(outside, otherSeconds);
  if (during.length === 0) return [];
  const round = (t: number) => Math.round(t * 1000) / 1000;
  return [
    {
      id: 'dns-volume-during-call',
      severity: 'info',
      title: `${duringRate} DNS lookups per minute while call media flows, ${outsideRate} outside it`,
      detail: `${during.length} of ${lookups.length} lookups fall in the ${round(callSeconds)} s from the first media packet (${round(start)} s) to the last (${round(end)} s); the other ${outside} in the remaining ${round(otherSeconds)} s.`,
      frames: during.map((t) => t.queryFrame),
      filter: `dns && frame.time_relative >= ${round(start)} && frame.time_relative <= ${round(end)}`,
    },
  ];
}
