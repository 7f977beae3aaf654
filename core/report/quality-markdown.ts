import type { Report } from '../schema/generated/report.js';
import { QOS_GUIDANCE } from '../quality/thresholds.js';
import { markdownText } from './escape.js';
import type { SectionText } from './sections.js';

// The "Call quality" section's text between its tables, as Markdown lines. The section is absent without
// report.quality (sections.ts), so these run only with it.

export const QUALITY_TEXTS: Record<
  Extract<SectionText, 'quality-verdict' | 'rtcp-note' | 'qos-marking'>,
  (report: Report) => string[]
> = {
  'quality-verdict': (report) => {
    const quality = report.quality!;
    return [
      `**Verdict: ${quality.verdict}** — ${markdownText(quality.reason)}.`,
      '',
      `*${markdownText(quality.method)}*`,
      '',
    ];
  },
  'rtcp-note': (report) => [`**RTCP.** ${markdownText(report.quality!.rtcp.note)}`, ''],
  'qos-marking': (report) =>
    report.quality!.streams.some((s) => s.dscp.length)
      ? [
          `**QoS marking.** ${markdownText(`Microsoft's guidance marks audio EF (46), video AF41 (34) and screen sharing AF21 (18), on client ports 50000–50019, 50020–50039 and 50040–50059 when port ranges are configured (${QOS_GUIDANCE}). A capture taken on the client shows the marking outbound packets leave with and the one inbound packets arrive with; it cannot tell whether routers on the way honoured the outbound marking or re-marked it, nor what the far end set.`)}`,
          '',
        ]
      : [],
};
