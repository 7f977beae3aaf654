import { CAPTURE_PATH, listed, reportOf, type AgentTool } from './tool.js';

/** Gaps listed per stream at most (the longest are the ones that matter to a listener). */
const LISTED_GAPS = 20;
/** Streams listed at most, in the report's order: a meeting's media server forwards one per participant and medium. */
const LISTED_STREAMS = 40;
/** Round trips listed at most, in the report's order (one per STUN or TCP path). */
const LISTED_ROUND_TRIPS = 40;

export const callQualityTool: AgentTool = {
  name: 'call_quality',
  referenceName: 'teamsharkQuality',
  title: 'Call quality per media stream',
  description: `The call-quality table of a capture: per RTP stream its kind, direction, path, packets, loss, jitter, gaps, worst windows, round trip, DSCP, and its verdict as the Call Quality Dashboard classifies streams (or why it is not judged), each with a display filter; and the round trips measured from STUN and TCP handshakes. Figures are what the network delivered to the capture, not what the endpoints reported. At most ${LISTED_STREAMS} streams, ${LISTED_ROUND_TRIPS} round trips and a stream's ${LISTED_GAPS} longest gaps; each list's LeftOut counts the rest.`,
  inputSchema: { type: 'object', properties: { path: CAPTURE_PATH }, required: ['path'] },
  outputSchema: {
    type: 'object',
    properties: {
      verdict: { enum: ['good', 'poor', 'unknown'] },
      reason: { type: 'string' },
      method: { type: 'string' },
      streams: { type: 'array' },
      streamsLeftOut: { type: 'integer' },
      roundTrips: { type: 'array' },
      roundTripsLeftOut: { type: 'integer' },
      rtcp: { type: 'object' },
    },
    required: ['verdict', 'reason', 'streams', 'streamsLeftOut'],
  },
  async run(input, context) {
    const { report } = await reportOf(input, context);
    const { quality } = report;
    if (!quality) return { verdict: 'unknown', reason: 'no RTP media in this capture', streams: [], streamsLeftOut: 0 };
    return {
      verdict: quality.verdict,
      reason: quality.reason,
      method: quality.method,
      // The per-bin series are for charts; an agent gets the figures and the worst windows.
      ...listed(
        'streams',
        quality.streams.map(({ series: _series, gaps, ...stream }) => ({
          ...stream,
          ...listed(
            'gaps',
            [...gaps].sort((a, b) => b.durationMs - a.durationMs),
            LISTED_GAPS,
          ),
        })),
        LISTED_STREAMS,
      ),
      ...listed('roundTrips', quality.roundTrips, LISTED_ROUND_TRIPS),
      rtcp: quality.rtcp,
    };
  },
};
