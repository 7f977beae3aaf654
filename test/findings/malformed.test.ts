import assert from 'node:assert/strict';
import { malformedPackets } from '../../core/findings/malformed.js';
import { captureModel } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const findings = (malformed: number[] | undefined) =>
  findingsOfRule(malformedPackets, factsFrom({ capture: { ...captureModel().capture, malformedPackets: malformed } }));

describe('findings/malformed: packets tshark could not dissect to the end', function () {
  it('states them as one notice with their frames and the filter tshark marks them with', function () {
    assert.deepEqual(findings([42, 7]), [
      {
        id: 'malformed-packets',
        section: 'transport',
        severity: 'notice',
        title: 'tshark marked 2 packets as malformed',
        detail:
          'Their dissection stopped early: fields past the damage are missing from this analysis. Proprietary extensions (such as MS-TURN attributes) often cause this.',
        frames: [7, 42],
        filter: '_ws.malformed',
      },
    ]);
  });

  it('says nothing when no packet was malformed', function () {
    assert.deepEqual(findings([]), []);
    assert.deepEqual(findings(undefined), []);
  });
});
