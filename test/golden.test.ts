import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { execa } from 'execa';
import { locateTshark } from '../core/tshark/locate.js';
import { TSHARK_VERSION_FILE, goldenCases, goldenFile, goldenMarkdown, goldenNames, goldenReport } from './goldens.js';
import { sharedCapture } from './helpers.js';

// What Teamshark says about every capture we have, as reviewed: a report that differs from its golden fails
// until `npm run goldens` rewrites it and the diff is committed with the change that caused it.
const DIFF_LINES_SHOWN = 80;

describe('golden reports (test/golden/)', function () {
  const cases = goldenCases();

  it('were written by the tshark that runs here (their version is in test/golden/TSHARK_VERSION)', async function () {
    const written = readFileSync(TSHARK_VERSION_FILE, 'utf8').trim();
    const running = (await locateTshark()).version;
    assert.equal(running, written, `tshark ${running} may decode differently: run npm run goldens and review the diff`);
  });

  it('exist for every shared capture and no capture that is gone', function () {
    if (!cases.some(({ source }) => 'capture' in source)) sharedCapture(this, 'teams.pcap');
    const expected = cases.map(({ name }) => name).sort();
    assert.deepEqual(goldenNames().sort(), expected, 'run npm run goldens to add or remove goldens');
  });

  for (const goldenCase of cases) {
    it(`${goldenCase.name}: the report equals its golden`, async function () {
      const actual = goldenMarkdown(goldenCase, await goldenReport(goldenCase));
      const file = goldenFile(goldenCase.name);
      assert.ok(existsSync(file), `${file} is missing: run npm run goldens`);
      if (actual === readFileSync(file, 'utf8')) return;
      // The lines that moved, as `git diff` would show them: a whole-text diff is too long to read (and mocha cuts it).
      const { stdout } = await execa('diff', ['-u', '--label', 'golden', '--label', 'report', file, '-'], {
        input: actual,
        reject: false,
      });
      const diff = stdout.split('\n');
      const shown = diff.slice(0, DIFF_LINES_SHOWN).join('\n');
      const more = diff.length > DIFF_LINES_SHOWN ? `\n… ${diff.length - DIFF_LINES_SHOWN} more diff lines` : '';
      assert.fail(
        `the report differs from ${file} (if the change is meant: npm run goldens, review, commit)\n${shown}${more}`,
      );
    });
  }
});
