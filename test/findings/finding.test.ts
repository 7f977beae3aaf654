import assert from 'node:assert/strict';
import { EVIDENCE_FRAMES, makeFinding, type FindingDraft } from '../../core/findings/finding.js';

const draft = (parts: Partial<FindingDraft>): FindingDraft => ({
  id: 'kind/subject',
  severity: 'info',
  title: 'A title',
  detail: 'A detail.',
  frames: [1],
  filter: 'frame.number == 1',
  ...parts,
});

describe('findings/finding: the one way a finding is made', function () {
  it('adds the section and keeps what the rule stated', function () {
    assert.deepEqual(makeFinding('dns', draft({})), {
      id: 'kind/subject',
      section: 'dns',
      severity: 'info',
      title: 'A title',
      detail: 'A detail.',
      frames: [1],
      filter: 'frame.number == 1',
    });
  });

  it('carries the time of its first frame when the capture’s frame times are known', function () {
    const times = new Map([
      [3, 1.25],
      [9, 4.5],
    ]);
    assert.equal(makeFinding('dns', draft({ frames: [9, 3] }), (frame) => times.get(frame)).time, 1.25);
    assert.equal('time' in makeFinding('dns', draft({ frames: [7] }), (frame) => times.get(frame)), false);
  });

  it('sorts the evidence frames, drops duplicates and missing ones', function () {
    assert.deepEqual(makeFinding('dns', draft({ frames: [9, undefined, 3, 9, 1] })).frames, [1, 3, 9]);
  });

  it(`lists at most ${EVIDENCE_FRAMES} frames, the first ones`, function () {
    const frames = Array.from({ length: EVIDENCE_FRAMES + 10 }, (_, i) => EVIDENCE_FRAMES + 10 - i);
    const made = makeFinding('dns', draft({ frames })).frames;
    assert.equal(made.length, EVIDENCE_FRAMES);
    assert.equal(made[0], 1);
    assert.equal(made.at(-1), EVIDENCE_FRAMES);
  });

  it('refuses a finding without evidence frames: that is a rule’s bug', function () {
    assert.throws(
      () => makeFinding('dns', draft({ id: 'empty', frames: [undefined] })),
      /finding empty has no evidence frames/,
    );
  });

  it('keeps the subject of an id to the id alphabet, whatever bytes the capture held', function () {
    assert.equal(
      makeFinding('dns', draft({ id: 'dns-cname-chain/Evil Name<script>' })).id,
      'dns-cname-chain/evil-name-script-',
    );
    assert.equal(
      makeFinding('dns', draft({ id: 'dns-over-tls/[2001:db8::1]:853' })).id,
      'dns-over-tls/[2001:db8::1]:853',
    );
    assert.equal(makeFinding('dns', draft({ id: 'kind/' })).id, 'kind/-');
    assert.equal(makeFinding('dns', draft({ id: 'malformed-packets' })).id, 'malformed-packets');
  });
});
