import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, readFile, readdir, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { CLI, runCli, sharedCapture, temporaryFolder } from './helpers.js';

describe('report files: never replaced without --force, never left half written', function () {
  const folder = temporaryFolder('report-files');
  let n = 0;
  /** A fresh, empty folder per test. */
  async function here(): Promise<string> {
    const path = join(folder(), String(n++));
    await mkdir(path);
    return path;
  }

  it('an existing report is kept: one-line error naming it, and the chart beside it is not written either', async function () {
    const dir = await here();
    const out = join(dir, 'call.md');
    await writeFile(out, 'my notes\n');
    const result = await runCli(['analyze', sharedCapture(this, 'dns.pcap'), '--out', out]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, `teamshark: ${out} already exists: add --force to replace it`);
    assert.equal(await readFile(out, 'utf8'), 'my notes\n');
    assert.deepEqual(await readdir(dir), ['call.md']);
  });

  it('an existing chart beside a Markdown report is kept, and the report is not written', async function () {
    const dir = await here();
    const chart = join(dir, 'call.packets-per-second.svg');
    await writeFile(chart, '<svg/>');
    const result = await runCli(['analyze', sharedCapture(this, 'dns.pcap'), '--out', join(dir, 'call.md')]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, `teamshark: ${chart} already exists: add --force to replace it`);
    assert.deepEqual(await readdir(dir), ['call.packets-per-second.svg']);
    assert.equal(await readFile(chart, 'utf8'), '<svg/>');
  });

  it('--force replaces the report and its chart, and leaves no temporary file', async function () {
    const dir = await here();
    await writeFile(join(dir, 'call.md'), 'old');
    await writeFile(join(dir, 'call.packets-per-second.svg'), 'old');
    const result = await runCli(['analyze', sharedCapture(this, 'dns.pcap'), '--out', join(dir, 'call.md'), '--force']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(await readFile(join(dir, 'call.md'), 'utf8'), /^# Teamshark report/);
    assert.match(await readFile(join(dir, 'call.packets-per-second.svg'), 'utf8'), /^<svg /);
    assert.deepEqual((await readdir(dir)).sort(), ['call.md', 'call.packets-per-second.svg']);
  });

  it('compare --chart keeps an existing chart without --force', async function () {
    const dir = await here();
    const chart = join(dir, 'all.svg');
    await writeFile(chart, 'old');
    const captures = [sharedCapture(this, 'dns.pcap'), sharedCapture(this, 'ssdp-m-search-ua.pcap')];
    const refused = await runCli(['compare', ...captures, '--chart', chart]);
    assert.equal(refused.exitCode, 1);
    assert.equal(refused.stderr, `teamshark: ${chart} already exists: add --force to replace it`);
    assert.equal(await readFile(chart, 'utf8'), 'old');
    const forced = await runCli(['compare', ...captures, '--chart', chart, '--force']);
    assert.equal(forced.exitCode, 0, forced.stderr);
    assert.match(await readFile(chart, 'utf8'), /^<svg /);
  });

  it('standard output on a full device (/dev/full): one-line error, exit 1', function () {
    const devFull = openSync('/dev/full', 'w');
    try {
      const result = spawnSync(
        process.execPath,
        [CLI, 'analyze', sharedCapture(this, 'dns.pcap'), '--format', 'json'],
        { stdio: ['ignore', devFull, 'pipe'], encoding: 'utf8' },
      );
      assert.equal(result.status, 1);
      assert.equal(result.stderr, 'teamshark: cannot write the report to standard output: ENOSPC\n');
    } finally {
      closeSync(devFull);
    }
  });

  describe('on a filesystem that is really full (a 256 KiB tmpfs)', function () {
    let disk = '';

    before(async function () {
      disk = join(folder(), 'tiny-disk');
      await mkdir(disk);
      const mounted = await execa('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', disk], { reject: false });
      if (mounted.exitCode !== 0) {
        console.warn(`    (skipped: cannot mount a tmpfs here: ${mounted.stderr.trim() || 'not root'})`);
        this.skip();
      }
    });

    after(async function () {
      if (disk) await execa('umount', [disk], { reject: false });
    });

    /** Fills the disk but for `spare` bytes: the report's first pages fit, the rest does not. */
    async function fill(spare: number): Promise<void> {
      const { bavail, bsize } = await statfs(disk);
      await writeFile(join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - spare)));
    }

    it('a report that does not fit: one-line error, no half report, no temporary file', async function () {
      await fill(8192);
      const out = join(disk, 'report.json');
      const result = await runCli(['analyze', sharedCapture(this, 'dns.pcap'), '--format', 'json', '--out', out]);
      assert.equal(result.exitCode, 1);
      assert.equal(result.stderr, `teamshark: cannot write ${out}: ENOSPC`);
      assert.deepEqual(await readdir(disk), ['filler']);
    });

    it('with --force, the existing report survives whole when the new one does not fit', async function () {
      await execa('sh', ['-c', 'rm -f "$0"/*', disk]);
      const out = join(disk, 'report.json');
      const previous = JSON.stringify({ previous: 'report', padding: 'x'.repeat(5000) });
      await writeFile(out, previous);
      await fill(8192);
      const result = await runCli([
        'analyze',
        sharedCapture(this, 'dns.pcap'),
        '--format',
        'json',
        '--out',
        out,
        '--force',
      ]);
      assert.equal(result.exitCode, 1);
      assert.equal(result.stderr, `teamshark: cannot write ${out}: ENOSPC`);
      assert.equal(await readFile(out, 'utf8'), previous);
      assert.deepEqual((await readdir(disk)).sort(), ['filler', 'report.json']);
    });
  });
});
