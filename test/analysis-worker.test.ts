import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeInWorker } from '../extension/worker/analyze-in-worker.js';
import { rejectsWithCode } from './assert-error.js';
import { analyzed, sharedCapture, temporaryFolder } from './helpers.js';
import { tsharkChildren } from './process-table.js';

/** The worker as the extension ships it (npm run build bundles it). */
const WORKER = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/analysis-worker.cjs');

async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The extension's analysis in a worker thread (extension/worker), outside VS Code: its messages and how it ends. */
describe('the analysis worker thread (dist/analysis-worker.cjs)', () => {
  const folder = temporaryFolder('analysis-worker');
  const run = (capture: string, signal = new AbortController().signal, progress: [number, number | undefined][] = []) =>
    analyzeInWorker(
      WORKER,
      { capture, settings: {} },
      { signal, onProgress: (packets, total) => progress.push([packets, total]) },
    );

  /** teams.pcap n times over, one after the other, as one pcap. */
  function teamsCopies(context: Mocha.Context, n: number): string {
    const capture = join(folder(), `teams-${n}x.pcap`);
    execFileSync('mergecap', [
      '-a',
      '-F',
      'pcap',
      '-w',
      capture,
      ...Array<string>(n).fill(sharedCapture(context, 'teams.pcap')),
    ]);
    return capture;
  }

  /** Progress as the view shows it: starts at 0 of the total, only rises, and ends with every packet read. */
  function assertProgress(progress: [number, number | undefined][], total: number): void {
    assert.deepEqual(progress[0], [0, total], 'the record index total first');
    assert.deepEqual(progress.at(-1), [total, total], 'every packet read at the end, however small the capture');
    const read = progress.map(([packets]) => packets);
    assert.deepEqual(
      read,
      [...read].sort((a, b) => a - b),
      'packets read only rise',
    );
    assert.ok(
      progress.every(([, t]) => t === total),
      JSON.stringify(progress),
    );
  }

  it('gives the report the core gives, as JSON text for the cache, and the record index total first', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const progress: [number, number | undefined][] = [];
    const { report, json } = await run(capture, undefined, progress);
    assert.deepEqual(JSON.parse(json), report);
    const inThread = await analyzed(capture);
    assert.deepEqual(report.findings, inThread.findings);
    assert.equal(report.capture.packets, 1540);
    // Issue 31: a small capture's view stayed at "0 of 1,540 packets read" until the report came.
    assertProgress(progress, 1540);
  });

  it('reports packets read of the total as they are read, rising', async function () {
    const capture = teamsCopies(this, 8);
    const progress: [number, number | undefined][] = [];
    const { report } = await run(capture, undefined, progress);
    assert.equal(report.capture.packets, 8 * 1540);
    assertProgress(progress, 12_320);
  });

  it('a file that is not a capture: a one-line TeamsharkError', async () => {
    const notes = join(folder(), 'notes.pcap');
    writeFileSync(notes, 'these are notes, not packets\n');
    const error = await rejectsWithCode(run(notes), 'not-a-capture', 'not-a-network-capture');
    assert.match(error.message, /notes\.pcap/);
  });

  it('cancelled: rejects with AnalysisCancelled once its tshark has ended, and leaves none running', async function () {
    const capture = teamsCopies(this, 40);
    const controller = new AbortController();
    const progress: [number, number | undefined][] = [];
    const analysis = run(capture, controller.signal, progress);
    await until('the first packets read', () => progress.some(([packets]) => packets > 0), 60_000);
    const running = tsharkChildren();
    assert.ok(running.length > 0, 'tshark reads the capture');
    controller.abort();
    await rejectsWithCode(analysis, 'cancelled');
    await until(`tshark to end (${tsharkChildren().join(', ')})`, () => tsharkChildren().length === 0, 5_000);
  });

  it('a worker script that is missing: a one-line error, not a stack trace', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const error = await rejectsWithCode(
      analyzeInWorker(
        join(folder(), 'missing.cjs'),
        { capture, settings: {} },
        { signal: new AbortController().signal, onProgress: () => undefined },
      ),
      'worker-failed',
    );
    assert.match(error.message, /missing\.cjs/);
  });
});
