import type { FindingRule } from './finding.js';
import { count } from '../util/plural.js';

/** Packets tshark could not dissect to the end. */
export const malformedPackets: FindingRule = {
  section: 'transport',
  find({ model }) {
    const frames = model.capture.malformedPackets ?? [];
    if (frames.length === 0) return [];
    return [
      {
        id: 'malformed-packets',
        severity: 'notice',
        title: `tshark marked ${count(frames.length, 'packet')} as malformed`,
        detail:
          'Their dissection stopped early: fields past the damage are missing from this analysis. Proprietary extensions (such as MS-TURN attributes) often cause this.',
        frames,
        filter: '_ws.malformed',
      },
    ];
  },
};
