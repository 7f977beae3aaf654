import type { Report } from '../schema/generated/report.js';
import { QOS_GUIDANCE } from '../quality/thresholds.js';
import { markdownText } from './escape.js';
import { markdownTable } from './markdown-table.js';
import { QUALITY_GAPS, QUALITY_STREAMS, QUALITY_WINDOWS, ROUND_TRIPS, RTCP_REPORTS } from './tables/quality.js';

/** The "Call quality" section's tables: verdict, streams, worst windows, gaps, round trips, RTCP and QoS. */
export function qualityTables(report: Report, out: string[]): void {
  const quality = report.quality;
  if (!quality) {
    out.push('No RTP media and no round trip in the capture.', '');
    return;
  }
  out.push(
    `**Verdict: ${quality.verdict}** — ${markdownText(quality.reason)}.`,
    '',
    `*${markdownText(quality.method)}*`,
    '',
    ...markdownTable(QUALITY_STREAMS, report),
    ...markdownTable(QUALITY_WINDOWS, report),
    ...markdownTable(QUALITY_GAPS, report),
    ...markdownTable(ROUND_TRIPS, report),
    `**RTCP.** ${markdownText(quality.rtcp.note)}`,
    '',
    ...markdownTable(RTCP_REPORTS, report),
  );
  if (quality.streams.some((s) => s.dscp.length)) {
    out.push(
      `**QoS marking.** ${markdownText(`Microsoft's guidance marks audio EF (46), video AF41 (34) and screen sharing AF21 (18), on client ports 50000–50019, 50020–50039 and 50040–50059 when port ranges are configured (${QOS_GUIDANCE}). A capture taken on the client shows the marking outbound packets leave with and the one inbound packets arrive with; it cannot tell whether routers on the way honoured the outbound marking or re-marked it, nor what the far end set.`)}`,
      '',
    );
  }
}
