import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { largeCapture, teamshark, workspaceFolder } from './host.js';

type ProgressStep = { message?: string; increment?: number };

/**
 * Records what the extension reports to VS Code's progress notifications, passing every call on to the real
 * API: the test files belong to the extension under test, so they share its `vscode` API object.
 */
function recordProgress(): { steps: ProgressStep[]; restore(): void } {
  const window = vscode.window as { withProgress: typeof vscode.window.withProgress };
  const original = window.withProgress;
  const steps: ProgressStep[] = [];
  window.withProgress = (options, task) =>
    original(options, (progress, token) =>
      task(
        {
          report(value) {
            steps.push(value);
            progress.report(value);
          },
        },
        token,
      ),
    );
  return { steps, restore: () => (window.withProgress = original) };
}

/**
 * Hover requests (each a round trip through the workbench to the host's hover providers) sent every 250 ms,
 * without waiting for one another, until `done` settles: how long each took to answer, Infinity for none.
 */
async function hoverTimes(uri: vscode.Uri, position: vscode.Position, done: Promise<unknown>): Promise<number[]> {
  const ask = async () => {
    const asked = performance.now();
    const answer = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
    return answer.length ? performance.now() - asked : Number.POSITIVE_INFINITY;
  };
  const answers: Promise<number>[] = [];
  const timer = setInterval(() => answers.push(ask()), 250);
  await done.catch(() => undefined);
  clearInterval(timer);
  return await Promise.all(answers);
}

/** The largest event-loop delay of the host's thread while `work` runs, in ms. */
async function maxLoopDelay(work: () => Promise<unknown>): Promise<number> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  try {
    await work();
  } finally {
    delay.disable();
  }
  return delay.max / 1e6;
}

/** teams.pcap's copies in the capture: 64 (~100k packets) in the suite; TEAMSHARK_LONG_ANALYSIS_COPIES=640 measures ~1M by hand. */
const COPIES = Number(process.env.TEAMSHARK_LONG_ANALYSIS_COPIES || 64);

describe(`A long analysis (teams.pcap ${COPIES}×, ~${Math.round((COPIES * 1540) / 1000)}k packets)`, () => {
  let folder = '';
  let capture: vscode.Uri;

  before(function () {
    this.timeout(120_000);
    folder = join(workspaceFolder().fsPath, 'long-analysis');
    mkdirSync(folder, { recursive: true });
    capture = largeCapture(join(folder, `teams-${COPIES}x.pcap`), COPIES);
  });

  after(() => rmSync(folder, { recursive: true, force: true }));

  it('fills the notification progress bar by packets read of the total, and leaves the host thread free', async function () {
    this.timeout(120_000 + COPIES * 300);
    const line = 'The server selected TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.';
    const note = vscode.Uri.file(join(folder, 'hover.md'));
    writeFileSync(note.fsPath, `# Cipher suites\n\n${line}\n`);
    const position = new vscode.Position(2, line.indexOf('ECDHE'));
    await vscode.workspace.openTextDocument(note);
    const api = await teamshark();

    // The same measure with nothing running: on a loaded machine the host thread waits for a core even when idle.
    const idleDelayMs = await maxLoopDelay(() => new Promise((r) => setTimeout(r, 3_000)));
    const progress = recordProgress();
    const busyBefore = performance.eventLoopUtilization();
    let report: Awaited<ReturnType<typeof api.store.analyze>> | undefined;
    let hovers: number[] = [];
    let maxDelayMs: number;
    try {
      maxDelayMs = await maxLoopDelay(async () => {
        const analysis = api.store.analyze(capture, { force: true });
        hovers = await hoverTimes(note, position, analysis);
        report = await analysis;
      });
    } finally {
      progress.restore();
    }
    const utilization = performance.eventLoopUtilization(busyBefore).utilization;
    const slowestHoverMs = Math.max(...hovers);
    const total = report!.capture.packets;
    console.log(
      `      measured: ${total} packets, ${progress.steps.length} progress steps; host thread: max event-loop delay ${maxDelayMs.toFixed(0)} ms (idle: ${idleDelayMs.toFixed(0)} ms), busy ${(utilization * 100).toFixed(0)} %; slowest of ${hovers.length} hovers ${slowestHoverMs.toFixed(0)} ms`,
    );

    // (a) The bar moves: increments (percent of packets read of the record index's total) rise with the
    // packets read and sum to at most 100; the message counts the packets.
    assert.ok(total > 90_000, `${total} packets`);
    const counts = progress.steps.map((step) => {
      const match = /^([\d,]+) of ([\d,]+) packets read…$/.exec(step.message ?? '');
      assert.ok(match, `message "${step.message}"`);
      assert.equal(
        Number(match[2]!.replace(/,/g, '')),
        total,
        'the total is the record index packet count, as tshark counts them',
      );
      return Number(match[1]!.replace(/,/g, ''));
    });
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => a - b),
      'packets read only rise',
    );
    const increments = progress.steps.map((step) => step.increment ?? Number.NaN);
    assert.ok(
      increments.every((increment) => increment >= 0),
      `increments ${increments.join(' ')}`,
    );
    const sum = increments.reduce((a, b) => a + b, 0);
    assert.ok(sum <= 100 && sum >= 90, `increments sum to ${sum}`);
    assert.ok(
      increments.filter((increment) => increment > 0).length >= 10,
      `the bar moves in steps: ${increments.join(' ')}`,
    );
    progress.steps.forEach((step, i) =>
      assert.equal(
        step.increment,
        Math.floor((counts[i]! / total) * 100) - Math.floor(((counts[i - 1] ?? 0) / total) * 100),
      ),
    );

    // (b) The host stays responsive. Measured on this 2-core machine shared with other work, with the analysis on
    // the host's own thread (before extension/worker): max delay 482 ms at load 2 and 4,201 ms at load 5 (the
    // report's stages run at once after tshark ends), busy 73 % and 69 %. With the worker: 78 ms (idle: 13 ms)
    // at load 1.3, ~450 ms at load 5, 280 ms (idle: 29 ms) at load 11; busy 11–25 % (mostly the hovers
    // themselves). The share of time the thread is busy tells the two apart at any load; the delay grows with
    // the load even for an idle host, so its bound only catches a freeze a user would see: a second over idle.
    assert.ok(
      maxDelayMs < idleDelayMs + 1_000,
      `the host's event loop stalled for ${maxDelayMs.toFixed(0)} ms (idle: ${idleDelayMs.toFixed(0)} ms)`,
    );
    assert.ok(utilization < 0.5, `the host's thread was busy ${(utilization * 100).toFixed(0)} % of the analysis`);
    // The slowest hover was 1,477 ms before, 939 ms with the worker (load 1.3–2): the workbench's own round trip
    // dominates it, so this bound catches only a stall of seconds.
    assert.ok(
      hovers.length >= 10 && slowestHoverMs < 2_000,
      `the slowest of ${hovers.length} hovers took ${slowestHoverMs.toFixed(0)} ms`,
    );
  });
});
