import assert from 'node:assert/strict';
import { chmod, copyFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { runCommand } from './fuzz/oracle.js';
import {
  CLI,
  analysisTsharkPid,
  analyzed,
  parseReport,
  sharedCapture,
  temporaryFolder,
  tsharkWrapper,
} from './helpers.js';

/** The CLI in its own process group, so that a tshark left behind shows (and is killed). */
function analyzeInGroup(args: string[], timeoutMs = 120_000) {
  return runCommand([process.execPath, CLI, 'analyze', ...args], undefined, timeoutMs);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('broken tools: one line that says what went wrong, and no tshark left behind', function () {
  const folder = temporaryFolder('broken-tools');

  it('tshark too old: refused with the version found and the version needed', async function () {
    const old = join(folder(), 'old-tshark');
    await writeFile(old, '#!/bin/sh\necho "TShark (Wireshark) 3.4.16 (Git v3.4.16 packaged as 3.4.16-0+deb11u1)"\n');
    await chmod(old, 0o755);
    const run = await analyzeInGroup([sharedCapture(this, 'dns.pcap'), '--tshark', old]);
    assert.equal(run.exitCode, 1);
    assert.match(
      run.stderr,
      /^teamshark: tshark 3\.4\.16 is too old: Teamshark needs 3\.6\.0 or newer \(.*old-tshark\); install it \(.*\) or set TEAMSHARK_TSHARK \(VS Code: teamshark\.tsharkPath\)\n$/,
    );
  });

  it('tshark crashing mid-run (killed by SIGSEGV from outside): a one-line error naming the capture', async function () {
    const capture = join(folder(), 'long-call.pcapng');
    await copyFile(sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng'), capture);
    const cli = analyzeInGroup([capture, '--format', 'json']);
    const pid = await analysisTsharkPid(capture);
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(pid, 'SIGSEGV');
    const run = await cli;
    assert.equal(run.exitCode, 1, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, new RegExp(`^teamshark: tshark was killed by SIGSEGV on ${capture}: .+\\n$`));
    assert.equal(run.leftBehind, false, 'a process of the analysis outlived the CLI');
    assert.equal(isRunning(pid), false);
  });

  it('tshark printing garbage (cut lines, terminal escapes, invalid UTF-8): a report that says what it skipped, no escape on the terminal', async function () {
    const garbled = await tsharkWrapper(
      folder(),
      'garbled-tshark',
      (tshark) =>
        `${tshark} "$@" | awk '{ if (NR % 3 == 0) print substr($0, 1, length($0) / 2); else print } NR == 5 { printf "\\033[2J\\033]8;;http://evil.example/\\007click\\033]8;;\\007 \\377\\376 garbage\\n" }'`,
    );
    const run = await analyzeInGroup([sharedCapture(this, 'dns.pcap'), '--format', 'json', '--tshark', garbled]);
    assert.equal(run.exitCode, 0, run.stderr);
    const report = parseReport(run.stdout);
    assert.ok(report.capture.packets > 0);
    const unparsable = report.warnings.find((w) => w.code === 'unparsable-output');
    assert.ok(unparsable, `no unparsable-output warning: ${run.stderr}`);
    assert.match(run.stderr, /^teamshark: warning: \d+ line\(s\) of tshark output were not JSON and were skipped/m);
    // eslint-disable-next-line no-control-regex -- ESC is the point: no terminal escape may get through
    assert.doesNotMatch(run.stderr + run.stdout, /\x1b/);
  });

  it('tshark that never finishes: --timeout stops it with a one-line error', async function () {
    const slow = await tsharkWrapper(folder(), 'slow-tshark', () => 'exec sleep 300');
    const started = Date.now();
    const run = await analyzeInGroup([sharedCapture(this, 'dns.pcap'), '--timeout', '2', '--tshark', slow]);
    assert.equal(run.exitCode, 1, run.stderr);
    assert.match(run.stderr, /^teamshark: .*dns\.pcap: the analysis did not finish within 2 s: tshark was stopped\n$/);
    assert.ok(Date.now() - started < 30_000, `took ${Date.now() - started} ms`);
    assert.equal(run.leftBehind, false, 'the sleeping "tshark" outlived the CLI');
  });

  it('--timeout takes a number of seconds above 0', async function () {
    for (const value of ['0', '-1', 'soon', 'Infinity']) {
      const run = await analyzeInGroup(['a.pcap', `--timeout=${value}`]);
      assert.equal(run.exitCode, 2, value);
      assert.match(run.stderr, /^teamshark: --timeout must be a number of seconds above 0/);
    }
  });

  it('a FIFO nobody writes to: a one-line error after a bounded wait, not a hang', async function () {
    const fifo = join(folder(), 'silent.pcap');
    await execa('mkfifo', [fifo]);
    const run = await analyzeInGroup([fifo], 60_000);
    assert.equal(run.timedOut, false);
    assert.equal(run.exitCode, 1);
    assert.equal(
      run.stderr,
      `teamshark: ${fifo}: no packet came through the pipe in 10 s: is anything writing to it?\n`,
    );
    assert.equal(run.leftBehind, false);
  });

  it('a FIFO with a writer is analysed like the file', async function () {
    const fifo = join(folder(), 'fed.pcap');
    await execa('mkfifo', [fifo]);
    const writer = execa('sh', ['-c', `cat "$0" > "$1"`, sharedCapture(this, 'dns.pcap'), fifo]);
    const run = await analyzeInGroup([fifo, '--format', 'json']);
    await writer;
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(
      parseReport(run.stdout).capture.packets,
      (await analyzed(sharedCapture(this, 'dns.pcap'))).capture.packets,
    );
  });
});
