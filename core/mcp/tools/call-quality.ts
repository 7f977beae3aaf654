import { CAPTURE_PATH, reportOf, type AgentTool } from './tool.js';

/** Gaps listed per stream at most (the longest are the ones that matter to a listener). */
const LISTED_GAPS = 20;

export const callQualityTool: AgentTool = {
  name: 'call_quality',
  referenceName: 'teamsharkQuality',
  title: 'Call quality per media stream',
  description:
    'The call-quality table of a capture: per RTP stream its kind, direction, path, packets, loss, jitter, gaps, worst windows, round trip, DSCP, and its verdict as the Call Quality Dashboard classifies streams (or why it is not judged), each with a display filter; and the round trips measured from STUN and TCP handshakes. Figures are what the network delivered to the capture, not what the endpoints reported.',
  inputSchema: { type: 'object', properties: { path: CAPTURE_PATH }, required: ['path'] },
  outputSchema: {
    type: 'object',
    properties: {
      verdict: { enum: ['good', 'poor', 'unknown'] },
      reason: { type: 'string' },
      method: { type: 'string' },
      streams: { type: 'array' },
      roundTrips: { type: 'array' },
      rtcp: { type: 'object' },
    },
    required: ['verdict', 'reason', 'streams'],
  },
  async run(input, context) {
    const { report } = await reportOf(input, context);
    const { quality } = report;
    if (!quality) return { verdict: 'unknown', reason: 'no RTP media in this capture', streams: [] };
    return {
      verdict: quality.verdict,
      reason: quality.reason,
      method: quality.method,
      // The per-bin series are for charts; an agent gets the figures and the worst windows.
      streams: quality.streams.map(({ series: _series, gaps, ...stream }) => ({
        ...stream,
        gaps: [...gaps].sort((a, b) => b.durationMs - a.durationMs).slice(0, LISTED_GAPS),
        gapsLeftOutHere: Math.max(0, gaps.length - LISTED_GAPS),
      })),
      roundTrips: quality.roundTrips,
      rtcp: quality.rtcp,
    };
  },
};
