import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import { TeamsharkError } from '../core/errors.js';
import { assertValidReport, sharedCapture, temporaryFolder } from './helpers.js';

/** Either a schema-valid report or a one-line TeamsharkError: never a crash. */
async function assertReportOrCleanError(path: string): Promise<void> {
  try {
    assertValidReport(await analyzeCapture(path));
  } catch (error) {
    assert.ok(error instanceof TeamsharkError, `${path}: ${(error as Error).stack}`);
    assert.doesNotMatch(error.message, /\n/);
  }
}

// A bounded sample of damaged real captures, reproducible from fixed seeds and offsets.
describe('damaged copies of teams.pcap', function () {
  const folder = temporaryFolder('corrupted');

  for (const [probability, seed] of [
    [0.01, 1],
    [0.02, 2],
    [0.05, 3],
    [0.1, 4],
    [0.2, 5],
    [0.5, 6],
  ] as const) {
    it(`bytes flipped with probability ${probability} (editcap -E, seed ${seed})`, async function () {
      const path = join(folder(), `flipped-${seed}.pcap`);
      await execa('editcap', ['-E', String(probability), '--seed', String(seed), sharedCapture(this, 'teams.pcap'), path]);
      await assertReportOrCleanError(path);
    });
  }

  for (const offset of [23, 24, 40, 100, 1000, 65_537, 350_001, 704_178]) {
    it(`cut at byte ${offset}`, async function () {
      const original = await readFile(sharedCapture(this, 'teams.pcap'));
      const path = join(folder(), `cut-${offset}.pcap`);
      await writeFile(path, original.subarray(0, offset));
      await assertReportOrCleanError(path);
    });
  }
});
