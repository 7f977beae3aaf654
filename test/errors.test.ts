import assert from 'node:assert/strict';
import { chmod, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import { rejectsWithCode } from './assert-error.js';
import { CLI, assertValidReport, sharedCapture, temporaryFolder, writeCutCopy } from './helpers.js';

describe('bad input: a clear one-line error or a partial report with a warning', function () {
  const folder = temporaryFolder('errors');

  it('a missing file: "capture not found"', async function () {
    await rejectsWithCode(analyzeCapture(join(folder(), 'nope.pcap')), 'capture-not-found');
  });

  it('an empty file: "the file is empty"', async function () {
    const path = join(folder(), 'empty.pcap');
    await writeFile(path, '');
    await rejectsWithCode(analyzeCapture(path), 'empty-capture');
  });

  it('a text file named .pcap: "not a capture file"', async function () {
    const path = join(folder(), 'notes.pcap');
    await writeFile(path, 'These are my notes about the Teams call, not a capture.\nSecond line.\n');
    await rejectsWithCode(analyzeCapture(path), 'not-a-capture');
  });

  it('a short text file that tshark opens as media: "not a network capture"', async function () {
    const path = join(folder(), 'hello.pcap');
    await writeFile(path, 'hello\n');
    await rejectsWithCode(analyzeCapture(path), 'not-a-capture', 'not-a-network-capture');
  });

  it('a file that tshark opens by a loose heuristic (JSON), not pcap or pcapng: "not a network capture"', async function () {
    const path = join(folder(), 'report.pcap');
    await writeFile(path, JSON.stringify({ capture: { file: 'call.pcapng', packets: 1540 } }));
    const error = await rejectsWithCode(analyzeCapture(path), 'not-a-network-capture');
    assert.match(error.message, /tshark reads it as "JavaScript Object Notation" and finds no IP packet in it$/);
  });

  it('a text file that wiretap reads as IxVeriWave: "not a network capture"', async function () {
    // Prose laid out so that wiretap's vwr heuristic (16-byte records) takes it for an Ethernet frame record:
    // '1' is a frame command, " L" a 8268-byte record, and the two spaces 36 bytes before its end the frame's
    // length in the statistics block (0x2020 + 44 bytes of statistics). tshark reads one frame dated 2233.
    const recordLength = 0x204c;
    const prose = 'The call started at ten and the audio dropped twice during the screen share. '
      .repeat(200)
      .slice(0, recordLength - 37);
    const path = join(folder(), 'call-notes.txt');
    await writeFile(path, `1 Notes: a Lync ${prose}.  ${prose.slice(0, 34)}End of notes.  \n`);
    const { stdout } = await execa('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.protocols']);
    assert.equal(stdout, 'ixveriwave:eth:ethertype:data', 'tshark reads the text as one IxVeriWave frame');
    const error = await rejectsWithCode(analyzeCapture(path), 'not-a-network-capture');
    assert.match(error.message, /tshark reads it as "IxVeriWave[^"]*" and finds no IP packet in it$/);
  });

  it('a pcap of Bluetooth HCI (no IP, an odd link type): a report with a warning, not a refusal', async function () {
    // pcap (libpcap's format), link type 187 LINKTYPE_BLUETOOTH_HCI_H4: two HCI Reset commands.
    const header = Buffer.alloc(24);
    header.writeUInt32LE(0xa1b2c3d4, 0);
    header.writeUInt16LE(2, 4);
    header.writeUInt16LE(4, 6);
    header.writeUInt32LE(65535, 16);
    header.writeUInt32LE(187, 20);
    const reset = Buffer.from([0x01, 0x03, 0x0c, 0x00]);
    const packet = (second: number) => {
      const record = Buffer.alloc(16);
      record.writeUInt32LE(second, 0);
      record.writeUInt32LE(reset.length, 8);
      record.writeUInt32LE(reset.length, 12);
      return Buffer.concat([record, reset]);
    };
    const path = join(folder(), 'bluetooth.pcap');
    await writeFile(path, Buffer.concat([header, packet(1678803641), packet(1678803642)]));
    const report = await analyzeCapture(path);
    assertValidReport(report);
    assert.equal(report.capture.packets, 2);
    assert.deepEqual(report.capture.linkTypes, ['Bluetooth H4']);
    assert.deepEqual(
      report.warnings.map((w) => w.code),
      ['no-ip-packets'],
    );
  });

  it('a directory: "is a directory"', async function () {
    await rejectsWithCode(analyzeCapture(folder()), 'is-a-directory');
  });

  it('a file without read permission: "permission denied"', async function () {
    const path = join(folder(), 'secret.pcap');
    await copyFile(sharedCapture(this, 'dns.pcap'), path);
    await chmod(path, 0o000);
    if (process.getuid?.() !== 0) {
      await rejectsWithCode(analyzeCapture(path), 'permission-denied');
      return;
    }
    // root reads anything: run the CLI as "nobody" (setpriv, util-linux) so that the permission applies.
    await chmod(folder(), 0o755);
    const result = await execa(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'analyze', path],
      { reject: false },
    );
    assert.equal(result.exitCode, 1);
    assert.equal(result.stderr, `teamshark: ${path}: cannot read the capture (permission denied)`);
  });

  it('teams.pcap cut in the middle of a packet: the packets before the cut, and a warning', async function () {
    const path = await writeCutCopy(this, 'teams.pcap', 300_000, join(folder(), 'cut.pcap'));
    const report = await analyzeCapture(path);
    assertValidReport(report);
    assert.ok(report.capture.packets > 100 && report.capture.packets < 1540, `${report.capture.packets} packets`);
    const warning = report.warnings.find((w) => w.code === 'truncated-capture');
    assert.ok(warning, 'no truncated-capture warning');
    assert.match(
      warning.message,
      /cut short in the middle of a packet: the analysis covers the \d+ packet\(s\) before it/,
    );
  });

  it('a capture cut inside its file header: a clean error', async function () {
    const path = await writeCutCopy(this, 'teams.pcap', 10, join(folder(), 'header.pcap'));
    await rejectsWithCode(analyzeCapture(path), 'capture-damaged', 'not-a-capture');
  });

  it('a 24-byte pcap with no packets: an empty report with a warning', async function () {
    const path = await writeCutCopy(this, 'teams.pcap', 24, join(folder(), 'zero.pcap'));
    const report = await analyzeCapture(path);
    assertValidReport(report);
    assert.equal(report.capture.packets, 0);
    assert.deepEqual(
      report.warnings.map((w) => w.code),
      ['no-packets'],
    );
  });

  it('paths with spaces, quotes, $(), ; and a leading dash reach tshark as they are', async function () {
    const source = sharedCapture(this, 'dns.pcap');
    for (const name of ['with space.pcap', 'quote"and\'.pcap', '$(touch pwned);.pcap', '-r.pcap']) {
      const path = join(folder(), name);
      await copyFile(source, path);
      const report = await analyzeCapture(path);
      assert.equal(report.capture.file, path);
      assert.ok(report.capture.packets > 0, name);
    }
    await assert.rejects(readFile(join(folder(), 'pwned')), /ENOENT/);
  });

  it('tshark missing: says so, with the install command', async function () {
    const error = await rejectsWithCode(
      analyzeCapture(sharedCapture(this, 'dns.pcap'), { tsharkPath: join(folder(), 'no-such-tshark') }),
      'tshark-missing',
    );
    assert.match(error.message, /apt-get install -y tshark/);
  });

  it('a program that is not tshark: refused before any capture is read', async function () {
    await rejectsWithCode(analyzeCapture(sharedCapture(this, 'dns.pcap'), { tsharkPath: '/bin/true' }), 'not-tshark');
  });

  it('tshark rejecting an option: its own message, shortened to one line', async function () {
    const error = await rejectsWithCode(
      analyzeCapture(sharedCapture(this, 'dns.pcap'), { tsharkOptions: ['-d', 'not-a-decode-as-rule'] }),
      'tshark-failed',
    );
    assert.match(error.message, /^tshark exited with code \d+ on .*dns\.pcap: .+/);
  });

  it('cancelling through an AbortSignal stops tshark and settles promptly', async function () {
    const capture = sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng');
    const controller = new AbortController();
    const analysis = analyzeCapture(capture, {
      signal: controller.signal,
      onProgress: () => undefined,
    });
    const started = Date.now();
    setTimeout(() => controller.abort(), 150);
    await rejectsWithCode(analysis, 'cancelled');
    const settleMs = Date.now() - started;
    assert.ok(settleMs < 3000, `took ${settleMs} ms to settle`);
    const { stdout } = await execa('pgrep', ['-f', `tshark -r ${capture}`], { reject: false });
    assert.equal(stdout.trim(), '', 'a tshark process is still running');
  });
});
