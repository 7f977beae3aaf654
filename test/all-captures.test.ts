import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TeamsharkError } from '../core/util/errors.js';
import { SHARED_CAPTURES, analyzed, assertValidReport, sharedCapture } from './helpers.js';

function capturesIn(folder: string): string[] {
  try {
    return readdirSync(folder)
      .filter((name) => /\.(pcap|pcapng|cap)$/.test(name))
      .sort();
  } catch {
    return [];
  }
}

// Every real capture we have, Teams or not, well-formed or not: a schema-valid report or a one-line error.
describe('every shared capture', function () {
  const names = [
    ...capturesIn(SHARED_CAPTURES),
    ...capturesIn(join(SHARED_CAPTURES, 'teams-activities')).map((n) => `teams-activities/${n}`),
  ];

  it('is there to test (../shared/captures)', function () {
    if (names.length === 0) sharedCapture(this, 'teams.pcap');
    assert.ok(names.length >= 60, `only ${names.length} captures found`);
  });

  for (const name of names) {
    it(`${name}: schema-valid report, every record in the expected shape`, async function () {
      let report;
      try {
        report = await analyzed(sharedCapture(this, name));
      } catch (error) {
        assert.ok(error instanceof TeamsharkError, `not a clean error: ${(error as Error).stack}`);
        assert.doesNotMatch(error.message, /\n/);
        return;
      }
      assertValidReport(report);
      assert.ok(report.capture.packets > 0);
      const invalid = report.warnings.filter(
        (w) => w.code === 'invalid-record' || w.code === 'unparsable-output' || w.code === 'fields-unavailable',
      );
      assert.deepEqual(invalid, []);
    });
  }
});
