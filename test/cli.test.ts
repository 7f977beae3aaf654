import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { execa } from 'execa';
import { join } from 'node:path';
import {
  BUNDLED_CLI,
  CLI,
  analysisTsharkPid,
  assertValidReport,
  parseReport,
  runCli,
  runProgram,
  sharedCapture,
  temporaryFolder,
  writeCutCopy,
} from './helpers.js';

describe('teamshark analyze (the CLI)', function () {
  const folder = temporaryFolder('cli');

  it('--format json prints only the JSON report on stdout, and exits 0', async function () {
    const result = await runCli(['analyze', sharedCapture(this, 'teams.pcap'), '--format', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const report = parseReport(result.stdout);
    assert.equal(report.capture.packets, 1540);
  });

  it('prints a Markdown report by default, with findings, their frames and filters', async function () {
    const result = await runCli(['analyze', sharedCapture(this, 'teams.pcap')]);
    assert.equal(result.exitCode, 0, result.stderr);
    const md = result.stdout;
    assert.match(md, /^# Teamshark report: .*teams\.pcap$/m);
    const order = ['## DNS', '## Network', '## Transport', '## Security', '## Application'];
    assert.deepEqual(
      order
        .map((h) => md.indexOf(`\n${h}\n`))
        .slice()
        .sort((a, b) => a - b),
      order.map((h) => md.indexOf(`\n${h}\n`)),
    );
    for (const section of [
      ...order,
      '### Names looked up',
      '### Addresses',
      '### TURN relays',
      '### Flows',
      '### TLS servers',
      '### Cipher suites',
      '### Client hellos',
      '### Activity over time (5 s windows)',
      '### Media streams',
    ]) {
      assert.ok(md.includes(`\n${section}\n`), `missing ${section}`);
    }
    assert.match(
      md,
      /config\.teams\.microsoft\.com → config\.teams\.trafficmanager\.net → config-teams\.s-0005\.s-msedge\.net → s-0005\.s-msedge\.net → 52\.113\.194\.132/,
    );
    assert.match(md, /Frames 312, 333 · filter `dns\.qry\.name == "config\.teams\.microsoft\.com"`/);
    assert.match(md, /`TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384` \(0xc030\)/);
    assert.match(md, /\| teams\.microsoft\.com, 2019-09-12 → 2021-09-12, 731 days \| Microsoft IT TLS CA 4 \|/);
  });

  it('--out with Markdown writes the packets-per-second chart beside the report and links it', async function () {
    const out = join(folder(), 'call.md');
    const result = await runCli(['analyze', sharedCapture(this, 'teams.pcap'), '--out', out]);
    assert.equal(result.exitCode, 0, result.stderr);
    const md = await readFile(out, 'utf8');
    assert.match(md, /^!\[Packets per second by protocol\]\(call\.packets-per-second\.svg\)$/m);
    const svg = await readFile(join(folder(), 'call.packets-per-second.svg'), 'utf8');
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const protocol of ['TLS', 'DNS', 'STUN/TURN', 'RTP']) assert.ok(svg.includes(`>${protocol}<`), protocol);
    await rm(out);
    await rm(join(folder(), 'call.packets-per-second.svg'));
  });

  it('--format html is one self-contained page: chart inline, no script, nothing loaded', async function () {
    const result = await runCli(['analyze', sharedCapture(this, 'teams.pcap'), '--format', 'html']);
    assert.equal(result.exitCode, 0, result.stderr);
    const html = result.stdout;
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.match(html, /<figure><svg /);
    assert.doesNotMatch(html, /<script|\bsrc=|href="http/i);
    assert.match(html, /<h2 id="section-security">Security<\/h2>/);
  });

  it('--out writes the report to a file and nothing to stdout', async function () {
    const out = join(folder(), 'report.json');
    const result = await runCli(['analyze', sharedCapture(this, 'dns.pcap'), '--format', 'json', '--out', out]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '');
    assertValidReport(JSON.parse(await readFile(out, 'utf8')));
    assert.deepEqual(await readdir(folder()), ['report.json'], 'a temporary file was left behind');
  });

  it('a report that cannot be written: one-line error, exit 1, no partial file', async function () {
    const out = join(folder(), 'missing-folder', 'report.json');
    const result = await runCli(['analyze', sharedCapture(this, 'dns.pcap'), '--format', 'json', '--out', out]);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, `teamshark: cannot write ${out}: ENOENT`);
  });

  it('a missing capture: one line on stderr, exit 1, nothing on stdout', async function () {
    const result = await runCli(['analyze', join(folder(), 'absent.pcap'), '--format', 'json']);
    assert.equal(result.exitCode, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `teamshark: ${join(folder(), 'absent.pcap')}: capture not found`);
  });

  it('warnings go to stderr, one line each, and the report still comes out', async function () {
    const cut = await writeCutCopy(this, 'teams.pcap', 200_000, join(folder(), 'cut.pcap'));
    const result = await runCli(['analyze', cut, '--format', 'json']);
    await rm(cut);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stderr,
      /^teamshark: warning: the capture is cut short in the middle of a packet: the analysis covers the \d+ packet\(s\) before it$/,
    );
    assert.ok(parseReport(result.stdout).warnings.length === 1);
  });

  it('compare: one column per capture (audio, video, chat) and the chart of all three', async function () {
    const captures = ['audio-lan-K1AE', 'video-lan-K1VE', 'chat-lan-K1ME'].map((name) =>
      sharedCapture(this, `teams-activities/${name}.pcapng`),
    );
    const chart = join(folder(), 'compare.svg');
    const result = await runCli(['compare', ...captures, '--chart', chart]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(
      result.stdout,
      /^\| \| audio-lan-K1AE\.pcapng \| video-lan-K1VE\.pcapng \| chat-lan-K1ME\.pcapng \|$/m,
    );
    assert.match(result.stdout, /^\| Activity \| audio \| video \| chat \|$/m);
    assert.match(result.stdout, /^\| Packets received by Microsoft servers \| \d+ % \| \d+ % \| \d+ % \|$/m);
    const svg = await readFile(chart, 'utf8');
    for (const name of [
      'audio-lan-K1AE.pcapng (audio)',
      'video-lan-K1VE.pcapng (video)',
      'chat-lan-K1ME.pcapng (chat)',
    ])
      assert.ok(svg.includes(name), name);
    const json = await runCli(['compare', ...captures, '--format', 'json']);
    const parsed = JSON.parse(json.stdout) as { captures: { activity: string; packetsPerSecond: number }[] };
    assert.deepEqual(
      parsed.captures.map((c) => c.activity),
      ['audio', 'video', 'chat'],
    );
    assert.ok(parsed.captures[1]!.packetsPerSecond > parsed.captures[2]!.packetsPerSecond);
  });

  it('usage errors exit 2 and show the usage', async function () {
    for (const args of [
      [],
      ['frobnicate'],
      ['analyze'],
      ['compare', 'a.pcap'],
      ['analyze', 'a.pcap', '--chart', 'c.svg'],
      ['analyze', 'a.pcap', '--format', 'pdf'],
      ['analyze', 'a.pcap', '--bogus'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.exitCode, 2, args.join(' '));
      assert.match(result.stderr, /Usage: teamshark analyze <capture>/);
    }
  });

  it('--help and --version', async function () {
    assert.match((await runCli(['--help'])).stdout, /^Usage: teamshark analyze/);
    assert.match((await runCli(['--version'])).stdout, /^teamshark \d+\.\d+\.\d+\n?$/);
  });

  it('the bundled program (dist/cli, what `teamshark` runs) prints and writes what the compiled modules do', async function () {
    assert.ok(existsSync(BUNDLED_CLI), `${BUNDLED_CLI} is missing: npm run build makes it`);
    const sample = join(folder(), 'sample.pcapng');
    assert.equal((await runProgram(BUNDLED_CLI, ['sample', '--out', sample])).exitCode, 0);
    // A call read through the media fast path (its range copier is a worker made from source), the chart drawn by
    // vega (a chunk of its own), a capture from standard input, and the version read from package.json.
    const cases: { args: (out: string) => string[]; inputFile?: string; files?: string[] }[] = [
      {
        args: () => [
          'analyze',
          sharedCapture(this, 'teams-activities/audio-wifi-K1AW-60sec.pcapng'),
          '--format',
          'json',
          '--no-cache',
        ],
      },
      {
        args: (out) => ['analyze', sharedCapture(this, 'teams.pcap'), '--no-cache', '--out', join(out, 'report.md')],
        files: ['report.md', 'report.packets-per-second.svg'],
      },
      { args: () => ['analyze', '-', '--format', 'json'], inputFile: sample },
      { args: () => ['--version'] },
    ];
    for (const [i, { args, inputFile, files = [] }] of cases.entries()) {
      const [bundled, compiled] = [join(folder(), `bundled-${i}`), join(folder(), `compiled-${i}`)];
      await Promise.all([mkdir(bundled), mkdir(compiled)]);
      const [fromBundle, fromModules] = await Promise.all([
        runProgram(BUNDLED_CLI, args(bundled), { inputFile }),
        runProgram(CLI, args(compiled), { inputFile }),
      ]);
      assert.equal(fromBundle.exitCode, 0, fromBundle.stderr);
      assert.equal(fromBundle.stdout, fromModules.stdout, args(bundled).join(' '));
      for (const file of files)
        assert.equal(await readFile(join(bundled, file), 'utf8'), await readFile(join(compiled, file), 'utf8'), file);
    }
  });

  it('Ctrl-C (SIGINT) stops tshark and exits 130', async function () {
    const capture = sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng');
    // Not from a report an earlier test saved: tshark must run to be interrupted.
    const child = runCli(['analyze', capture, '--no-cache']);
    const tshark = await analysisTsharkPid(capture, 10_000);
    child.kill('SIGINT');
    const result = await child;
    assert.equal(result.exitCode, 130, result.stderr);
    assert.match(result.stderr, /teamshark: interrupted/);
    assert.equal((await execa('ps', ['-p', String(tshark)], { reject: false })).exitCode, 1, 'tshark still runs');
  });
});
