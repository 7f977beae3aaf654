import type { StreamQuality } from '../schema/generated/report.js';
import { thresholdText } from '../quality/thresholds.js';

// A stream's quality facts as the report's tables and the notes' hovers word them.

export function clockText(s: StreamQuality): string {
  if (!s.clock.rate) return s.clock.measured ? `unknown (${s.clock.measured} Hz measured)` : 'unknown';
  const khz = `${s.clock.rate / 1000} kHz`;
  return s.clock.source === 'inferred' ? `${khz} (inferred from ${s.clock.measured} Hz)` : `${khz} (payload type)`;
}

/** A stream's gaps counted by cause, in the order the causes first occur; those the report left out count too. */
export function gapsText(s: StreamQuality): string {
  if (s.gaps.length === 0) return '0';
  const counts = new Map<string, number>();
  for (const g of s.gaps) counts.set(g.cause, (counts.get(g.cause) ?? 0) + 1);
  return [...counts.entries()]
    .map(
      ([cause, n]) => `${n + (s.gapsLeftOut?.byCause[cause as StreamQuality['gaps'][number]['cause']] ?? 0)} ${cause}`,
    )
    .join(', ');
}

/** All of a stream's gaps, listed or left out. */
export function gapCount(s: StreamQuality): number {
  return s.gaps.length + (s.gapsLeftOut?.count ?? 0);
}

export function dscpText(s: StreamQuality): string {
  const seen =
    s.dscp
      .map((d) => `${d.value}${d.name ? ` ${d.name}` : ''}${s.dscp.length > 1 ? ` ×${d.packets}` : ''}`)
      .join(', ') || '–';
  return s.expectedDscp === undefined ? seen : `${seen} (guidance ${s.expectedDscp})`;
}

export function verdictText(s: StreamQuality): string {
  if (s.auxiliaryTo) return `not judged: beside ${s.auxiliaryTo} (repair data or a second layer)`;
  if (s.verdict === 'not-judged') return s.notJudgedBecause ? `not judged: ${s.notJudgedBecause}` : 'not judged';
  if (s.verdict === 'good') return 'good';
  return `poor: ${s.crossed.map((c) => thresholdText(c)).join(', ')}`;
}
