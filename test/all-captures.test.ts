import assert from 'node:assert/strict';
import { TeamsharkError } from '../core/util/errors.js';
import { analyzed, assertValidReport, sharedCapture, sharedCaptureNames } from './helpers.js';

// Every real capture we have, Teams or not, well-formed or not: a schema-valid report or a one-line error.
describe('every shared capture', function () {
  const names = sharedCaptureNames();

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
