import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ErrorCode } from '../core/util/errors.js';
import { runCli, sharedCapture, temporaryFolder } from './helpers.js';

/** summary.json of a batch run (core/commands/batch.ts writes it), as far as the test reads it. */
interface BatchSummary {
  captures: { file: string; report: string }[];
  failed: { capture: string; error: string; code: ErrorCode }[];
}

describe('teamshark analyze on several captures (batch)', function () {
  const folder = temporaryFolder('batch');

  it('writes one report per capture and a summary; a capture that fails is listed, the others go on, exit 1', async function () {
    const input = join(folder(), 'in');
    await mkdir(input);
    for (const name of ['dns.pcap', 'stun.pcap']) await copyFile(sharedCapture(this, name), join(input, name));
    await writeFile(join(input, 'notes.pcap'), 'not a capture\n');
    const teams = sharedCapture(this, 'teams.pcap');
    const out = join(folder(), 'out');
    const result = await runCli(['analyze', input, teams, '--out', out, '--jobs', '2', '--format', 'json']);
    assert.equal(result.exitCode, 1, result.stderr);
    assert.match(result.stderr, /notes\.pcap: not a (network )?capture/);
    assert.deepEqual((await readdir(out)).sort(), ['dns.json', 'stun.json', 'summary.json', 'teams.json']);

    const summary = JSON.parse(result.stdout) as BatchSummary;
    assert.deepEqual(JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')), summary);
    assert.deepEqual(
      summary.captures.map((c) => [c.file, c.report]),
      [
        [join(input, 'dns.pcap'), 'dns.json'],
        [join(input, 'stun.pcap'), 'stun.json'],
        [teams, 'teams.json'],
      ],
    );
    assert.equal(summary.failed.length, 1);
    assert.match(summary.failed[0]!.error, /notes\.pcap/);
    assert.ok(['not-a-capture', 'not-a-network-capture'].includes(summary.failed[0]!.code), summary.failed[0]!.code);

    // Each report is the one `analyze` gives that capture alone.
    const alone = await runCli(['analyze', teams, '--format', 'json']);
    assert.deepEqual(JSON.parse(await readFile(join(out, 'teams.json'), 'utf8')), JSON.parse(alone.stdout));
  });

  it('summarises in the comparison table with Markdown, and exits 0 when every capture was read', async function () {
    const out = join(folder(), 'md');
    const result = await runCli([
      'analyze',
      sharedCapture(this, 'dns.pcap'),
      sharedCapture(this, 'stun.pcap'),
      '--out',
      out,
    ]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^\| \| dns\.pcap \| stun\.pcap \|$/m);
    assert.match(result.stdout, /^- .*stun\.pcap: \[stun\.md\]\(stun\.md\)$/m);
    assert.doesNotMatch(result.stdout, /## Failed/);
    assert.ok((await readdir(out)).includes('stun.packets-per-second.svg'));
  });

  it('needs --out DIR for several captures, and --jobs only goes with several', async function () {
    const dns = sharedCapture(this, 'dns.pcap');
    for (const args of [
      ['analyze', dns, dns],
      ['analyze', dns, '--jobs', '2'],
      ['analyze', dns, dns, '--out', folder(), '--jobs', '0'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.exitCode, 2, args.join(' '));
    }
    const folderAlone = await runCli(['analyze', folder()]);
    assert.equal(folderAlone.exitCode, 1);
    assert.equal(
      folderAlone.stderr,
      `teamshark: ${folder()}: is a directory: to analyse the captures in it, add --out DIR, the folder for their reports`,
    );
  });
});
