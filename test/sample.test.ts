import assert from 'node:assert/strict';
import { X509Certificate, createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { sampleCommand } from '../core/commands/sample.js';
import { assertTeamsharkError } from './assert-error.js';
import { SCENARIOS, writeSample } from '../core/sample/index.js';
import { describeErrors, validateSampleTruth as validateTruth } from '../core/schema/validate.js';
import { CLI, analyzed, parseReport, runCli, sampleCapture, temporaryFolder } from './helpers.js';
import { truthDisagreements } from './sample-truth.js';
import { TSHARK_ANALYSIS_OPTIONS } from '../core/tshark/run.js';

/** tshark's expert severity for errors (_ws.expert.severity: PI_ERROR). */
const EXPERT_ERROR = 0x00800000;

/**
 * tshark's protocol stack without what the sample does not choose: the certificate's x509 sub-dissectors, and
 * a protocol repeated when one frame ends a message and starts the next.
 */
function comparableStack(protocols: string): string {
  return protocols
    .split(':')
    .filter((p) => !p.startsWith('x509') && p !== 'pkcs-1')
    .filter((p, i, all) => p !== all[i - 1])
    .join(':');
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

// Every scenario is written, decoded by tshark and analysed, and must come out as its ground truth says.
describe('sample captures (teamshark sample)', function () {
  const folder = temporaryFolder('sample');
  for (const { name } of SCENARIOS) {
    describe(name, function () {
      it('tshark decodes every frame as the intended protocol stack, malformed or in error only where meant', async function () {
        const { path, sample } = sampleCapture(name);
        const { stdout } = await execa('tshark', [
          '-r',
          path,
          ...TSHARK_ANALYSIS_OPTIONS,
          '-T',
          'fields',
          '-e',
          'frame.protocols',
          '-e',
          '_ws.expert.severity',
          '-e',
          '_ws.malformed',
        ]);
        const frames = stdout.split('\n').map((line) => line.split('\t'));
        assert.equal(frames.length, sample.stacks.length, 'frames');
        const errors = frames.flatMap(([, severities = '', malformed = ''], i) =>
          malformed || severities.split(',').some((s) => Number(s) >= EXPERT_ERROR) ? [i + 1] : [],
        );
        // Only the frames the sample writes as Teams does and tshark cannot read (MS-TURN's unpadded DATA).
        assert.deepEqual(errors, sample.malformed, 'frames with a malformed packet or an expert error');
        const wrong = frames.flatMap(([protocols = ''], i) =>
          comparableStack(protocols) === sample.stacks[i]
            ? []
            : [`frame ${i + 1}: ${protocols} instead of ${sample.stacks[i]}`],
        );
        assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} frame(s) with another protocol stack`);
      });

      it('analyze reports what the ground truth says', async function () {
        const { path, sample } = sampleCapture(name);
        assert.ok(validateTruth(sample.truth), describeErrors(validateTruth.errors));
        assert.deepEqual(truthDisagreements(await analyzed(path), sample.truth), []);
      });
    });
  }

  it('the comparison with the ground truth catches a report that disagrees', async function () {
    const { path, sample } = sampleCapture('audio-relay');
    const report = structuredClone(await analyzed(path));
    report.application.dominantActivity = 'video';
    report.media.pop();
    report.findings = report.findings.filter((f) => !f.id.startsWith('turn-allocation/'));
    report.findings.push({ ...report.findings[0]!, id: 'tls-certificate-expired/0123456789abcdef' });
    const problems = truthDisagreements(report, sample.truth);
    for (const expected of [
      /^dominant activity: /,
      /^media streams: /,
      /^finding turn-allocation\/.* is missing$/,
      /^finding tls-certificate-expired\/0123456789abcdef should not be there$/,
    ]) {
      assert.ok(
        problems.some((p) => expected.test(p)),
        `${expected} in ${problems.join(' | ')}`,
      );
    }
  });

  it('QUIC: tshark removes the Initial protection and reads the ClientHello SNI', async function () {
    const { path, sample } = sampleCapture('default');
    const { stdout } = await execa('tshark', [
      '-n',
      '-r',
      path,
      '-Y',
      'quic.long.packet_type == 0 && tls.handshake.type == 1',
      '-T',
      'fields',
      '-e',
      'tls.handshake.extensions_server_name',
      '-e',
      'udp.length',
    ]);
    const [sni, udpLength] = stdout.trim().split('\t');
    assert.deepEqual([sni], sample.truth.quicServerNames);
    assert.ok(Number(udpLength) - 8 >= 1200, `the client's Initial datagram is padded to 1200 bytes (${udpLength})`);
  });

  it('the default scenario is a whole session: DNS, TLS 1.2 and 1.3, STUN/TURN, audio, video, screen sharing, QUIC, SSDP', function () {
    const { truth } = sampleCapture('default').sample;
    assert.ok(
      truth.dnsNames.some((n) => n.aliases.length >= 3),
      'a CNAME chain through Traffic Manager and Front Door',
    );
    assert.deepEqual(truth.tls.versions, ['TLS 1.2', 'TLS 1.3']);
    assert.deepEqual([...new Set(truth.media.map((m) => m.kind))].sort(), ['audio', 'screen-sharing', 'video']);
    assert.equal(truth.callPath, 'relay');
    assert.ok(
      truth.relays.every((r) => r.startsWith('52.11')),
      'relays in 52.112.0.0/14',
    );
    assert.ok(truth.ssdp && truth.quicServerNames.length === 1);
  });

  it('is deterministic: the same seed writes the same bytes, another seed other bytes', function () {
    assert.equal(sha256(writeSample('default').pcapng), sha256(sampleCapture('default').sample.pcapng));
    assert.notEqual(sha256(writeSample('chat', 2).pcapng), sha256(sampleCapture('chat').sample.pcapng));
  });

  it('servers send real certificate chains: each leaf is signed by the issuing CA sent with it', async function () {
    const { path } = sampleCapture('weak-tls');
    const { stdout } = await execa('tshark', [
      '-n',
      '-r',
      path,
      '-Y',
      'tls.handshake.type == 11',
      '-T',
      'fields',
      '-e',
      'tls.handshake.certificate',
    ]);
    const chains = stdout
      .trim()
      .split('\n')
      .map((line) => line.split(',').map((hex) => new X509Certificate(Buffer.from(hex.replace(/:/g, ''), 'hex'))));
    assert.equal(chains.length, 2, 'the TLS 1.2 and the TLS 1.0 handshake');
    assert.ok(
      chains.some(([leaf]) => Date.parse(leaf!.validTo) < Date.parse('2026-03-10T00:00:00Z')),
      'the old device presents an expired certificate',
    );
    for (const [leaf, issuer] of chains) {
      assert.ok(
        leaf!.checkIssued(issuer!) && leaf!.verify(issuer!.publicKey),
        `${leaf!.subject} is signed by ${issuer!.subject}`,
      );
      assert.match(issuer!.issuer, /CN=DigiCert Global Root G2/);
    }
  });

  it('two-interfaces: one pcapng, two interfaces, microsecond and nanosecond timestamps', async function () {
    const { stdout } = await execa('tshark', [
      '-n',
      '-r',
      sampleCapture('two-interfaces').path,
      '-T',
      'fields',
      '-e',
      'frame.interface_name',
      '-e',
      'frame.time_epoch',
    ]);
    const byInterface = new Map<string, string[]>();
    for (const [name = '', time = ''] of stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t')))
      byInterface.set(name, [...(byInterface.get(name) ?? []), time]);
    assert.deepEqual([...byInterface.keys()].sort(), ['eth0', 'wlan0']);
    assert.ok(
      byInterface.get('eth0')!.every((t) => /\.\d{6}000$/.test(t)),
      'eth0 counts microseconds',
    );
    assert.ok(
      byInterface.get('wlan0')!.some((t) => !/000$/.test(t)),
      'wlan0 counts nanoseconds',
    );
  });

  it('the CLI writes the same bytes as the library, and the ground truth with --truth', async function () {
    const out = join(folder(), 'cli.pcapng');
    const truth = join(folder(), 'cli.truth.json');
    const result = await runCli(['sample', '--scenario', 'chat', '--out', out, '--truth', truth]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(sha256(await readFile(out)), sha256(sampleCapture('chat').sample.pcapng));
    assert.deepEqual(JSON.parse(await readFile(truth, 'utf8')), sampleCapture('chat').sample.truth);
  });

  it('teamshark sample | teamshark analyze - prints a report matching the default scenario', async function () {
    const { stdout, stderr, exitCode } = await execa(
      'sh',
      ['-c', `"${process.execPath}" "${CLI}" sample | "${process.execPath}" "${CLI}" analyze - --format json`],
      { reject: false },
    );
    assert.equal(exitCode, 0, stderr);
    const report = parseReport(stdout);
    assert.equal(report.capture.file, 'standard input');
    for (const [section, items] of Object.entries({
      dns: report.dns.names,
      tls: report.tls.handshakes,
      stun: report.stun.messages,
      media: report.media,
      activity: report.application.activities,
    })) {
      assert.ok(items.length > 0, `${section} is empty`);
    }
    assert.deepEqual(truthDisagreements(report, sampleCapture('default').sample.truth), []);
  });

  it('--list names every scenario; errors are one line', async function () {
    const list = await runCli(['sample', '--list']);
    assert.deepEqual(
      list.stdout.split('\n').map((line) => line.split(/\s+/)[0]),
      SCENARIOS.map((s) => s.name),
    );
    const unknown = await runCli(['sample', '--scenario', 'nope', '--out', join(folder(), 'x.pcapng')]);
    assert.equal(unknown.exitCode, 1);
    assert.equal(unknown.stderr, 'teamshark: unknown scenario "nope": teamshark sample --list shows them');
    assert.throws(
      () => sampleCommand({}, true),
      (error) => !!assertTeamsharkError(error, 'stdout-is-terminal'),
    );
  });

  it('analyze - with nothing on standard input: one line, exit 1, no temporary file left', async function () {
    const result = await execa(process.execPath, [CLI, 'analyze', '-'], {
      input: '',
      reject: false,
      env: { TMPDIR: folder() },
    });
    assert.equal(result.exitCode, 1);
    assert.equal(
      result.stderr,
      'teamshark: standard input is empty: pipe a capture into it, e.g. teamshark sample | teamshark analyze -',
    );
    const leftovers = (await execa('ls', [folder()])).stdout
      .split('\n')
      .filter((f) => f.startsWith('teamshark-stdin-'));
    assert.deepEqual(leftovers, []);
  });
});
