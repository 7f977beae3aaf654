import { compareReport } from '../../report/comparison.js';
import { CAPTURE_PATH, reportOf, type AgentTool } from './tool.js';

/** Captures compared in one call at most: each may need an analysis of its own. */
const MOST_CAPTURES = 8;

export const compareCapturesTool: AgentTool = {
  name: 'compare_captures',
  referenceName: 'teamsharkCompare',
  title: 'Compare captures',
  description:
    'One column per capture, as `teamshark compare` prints it: activity, duration, packets and bytes per second, TCP/UDP/TLS/QUIC/RTP/STUN/DNS shares, DNS lookups, who receives the packets, TLS versions, protocols and the call quality.',
  inputSchema: {
    type: 'object',
    properties: { paths: { type: 'array', items: CAPTURE_PATH, minItems: 2, maxItems: MOST_CAPTURES } },
    required: ['paths'],
  },
  outputSchema: { type: 'object', properties: { captures: { type: 'array' } }, required: ['captures'] },
  async run(input, context) {
    const captures = [];
    // One after the other: each analysis keeps the cores busy already.
    for (const path of input.paths as string[]) {
      const { capture, report } = await reportOf({ path }, context);
      captures.push({ ...compareReport(report), file: context.roots.display(capture) });
    }
    return { captures };
  },
};
