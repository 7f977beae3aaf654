import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import type { Report } from '../core/schema/generated/report.js';
import { indexCapture } from '../core/records/capture-index.js';
import { subsetRanges } from '../core/tshark/chunking/frame-subset.js';
import { copyRanges, flatRanges } from '../core/tshark/range-copy.js';
import { MS_TURN_TCP_COOKIE_FILTER } from '../core/tshark/tcp-stun.js';
import { analyzed, courseLabels, sharedCapture, temporaryFolder, tsharkFrames } from './helpers.js';

/** What tshark shows of each packet that says which packet it is: time, length, interface, addresses. */
async function packetLines(path: string, filter?: string): Promise<string[]> {
  const fields = ['frame.time_epoch', 'frame.len', 'frame.interface_id', 'ip.src', 'ip.dst'].flatMap((f) => ['-e', f]);
  const { stdout } = await execa('tshark', ['-r', path, ...(filter ? ['-Y', filter] : []), '-T', 'fields', ...fields]);
  return stdout.split('\n').filter(Boolean);
}

/** The capture's frames, cut out through its record index, written as a capture file of their own. */
async function writeSubset(capture: string, frames: number[], path: string): Promise<string> {
  const index = await indexCapture(capture);
  assert.ok(index, `${capture} is indexed`);
  copyRanges(fs, { file: capture, ranges: flatRanges(subsetRanges(index, frames)), to: path });
  return path;
}

/** Per pseudo-TLS handshake: its flow, the STUN frames tshark was found to show, and the reason given. */
function pseudoTlsOf(report: Report) {
  return report.tls.handshakes
    .filter((h) => h.pseudoTls)
    .map((h) => ({ flowId: h.flowId, stunFrames: h.pseudoTls!.stunFrames, reason: h.pseudoTls!.reason }));
}

describe('pseudo-TLS relays: tshark reads only the candidate connections again, not the whole capture', function () {
  const folder = temporaryFolder('pseudo-tls');

  describe('a capture cut down to chosen frames', function () {
    it('holds exactly those packets, in order (pcap)', async function () {
      const capture = sharedCapture(this, 'teams.pcap');
      const frames = [1, 2, 3, 500, 501, 1999, 2000, 3101, 4000];
      const subset = await writeSubset(capture, frames, join(folder(), 'teams-subset.pcap'));
      assert.deepEqual(await packetLines(subset), await packetLines(capture, `frame.number in {${frames.join(',')}}`));
    });

    it('keeps a pcapng interface described after the first packets, before the packets that use it, and only once', async function () {
      // stun_dtls_rtp.pcapng: 39 packets on interface 0, then 63 on interface 1. Moving interface 1's description
      // after packet 39 makes a file whose non-packet blocks are not all at the start.
      const original = sharedCapture(this, 'stun_dtls_rtp.pcapng');
      const index = (await indexCapture(original))!;
      const [section, firstInterface, secondInterface] = index.headerBlocks;
      assert.equal(index.headerBlocks.length, 3);
      const bytes = await readFile(original);
      const slice = (from: number, to: number) => bytes.subarray(from, to);
      const moved = join(folder(), 'late-interface.pcapng');
      await writeFile(
        moved,
        Buffer.concat([
          slice(section!.offset, firstInterface!.offset + firstInterface!.length),
          slice(index.offsets[0]!, index.offsets[39]!),
          slice(secondInterface!.offset, secondInterface!.offset + secondInterface!.length),
          slice(index.offsets[39]!, index.size),
        ]),
      );
      assert.equal((await indexCapture(moved))!.headerBlocks.length, 3);
      assert.deepEqual(
        await packetLines(moved),
        await packetLines(original),
        'the rearranged file is the same capture',
      );
      for (const frames of [[2, 39, 40, 41, 102], [40, 70], [1, 5, 39], [102]]) {
        const subset = await writeSubset(moved, frames, join(folder(), `late-interface-${frames.join('-')}.pcapng`));
        assert.deepEqual(
          await packetLines(subset),
          await packetLines(moved, `frame.number in {${frames.join(',')}}`),
          `frames ${frames.join(', ')}`,
        );
      }
    });
  });

  it('every course capture: the STUN frames of each pseudo-TLS connection are those tshark shows in its whole stream', async function () {
    this.timeout(300_000);
    let checked = 0;
    for (const { file } of courseLabels()) {
      const capture = sharedCapture(this, `teams-activities/${file}`);
      const report = await analyzed(capture);
      for (const h of report.tls.handshakes.filter((h) => h.pseudoTls)) {
        const stream = h.flowId.split(':')[1];
        assert.deepEqual(
          h.pseudoTls!.stunFrames,
          await tsharkFrames(capture, `tcp.stream == ${stream} && ${MS_TURN_TCP_COOKIE_FILTER}`),
          `${file} ${h.flowId}`,
        );
        checked++;
      }
    }
    assert.ok(checked >= 10, `only ${checked} pseudo-TLS handshakes in the course captures`);
  });

  it('the check reads a cut-down capture, and a capture the record index cannot cut (gzip) gets the same answer from a whole pass', async function () {
    const capture = sharedCapture(this, 'teams-activities/audio-4g-K1AG.pcapng');
    const log = join(folder(), 'search-inputs.log');
    const real = (await execa('sh', ['-c', 'command -v tshark'])).stdout.trim();
    const tshark = join(folder(), 'logging-tshark');
    // Logs the input (-r) of every run that prints fields (the search: the pass prints EK), then is tshark.
    await writeFile(
      tshark,
      `#!/bin/sh\ncase " $* " in *" -T fields "*) printf '%s\\n' "$2" >> ${log} ;; esac\nexec ${real} "$@"\n`,
    );
    await chmod(tshark, 0o755);
    const direct = await analyzeCapture(capture, { tsharkPath: tshark });
    const inputs = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
    assert.equal(inputs.length, 1, 'one run of the flows: the search');
    assert.notEqual(inputs[0], capture, 'the check read the whole capture');

    const gzipped = join(folder(), 'audio-4g-K1AG.pcapng.gz');
    await writeFile(gzipped, gzipSync(await readFile(capture)));
    assert.equal(await indexCapture(gzipped), undefined);
    const whole = await analyzeCapture(gzipped);
    assert.ok(pseudoTlsOf(direct).length >= 4);
    assert.deepEqual(pseudoTlsOf(whole), pseudoTlsOf(direct));
  });
});
