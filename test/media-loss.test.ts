import assert from 'node:assert/strict';
import { execa } from 'execa';
import { readDatagram } from '../core/media/reader.js';
import { join } from 'node:path';
import { analyzed, sharedCapture, sharedCaptureNames, temporaryFolder } from './helpers.js';

/**
 * Per SSRC, the sequence numbers missing between the lowest and highest seen in any UDP datagram of the capture,
 * read from tshark's `udp.payload` bytes alone (no flow, leg or heuristic involved): what loss can be at most.
 */
async function missingFromBytes(path: string): Promise<Map<string, number>> {
  const { stdout } = await execa(
    'tshark',
    ['-r', path, '-n', '-Y', 'udp && !icmp && !icmpv6', '-T', 'fields', '-E', 'occurrence=l', '-e', 'udp.payload'],
    { maxBuffer: 1 << 30 },
  );
  const seen = new Map<string, { highest: number; lowest: number; sequences: Set<number> }>();
  for (const line of stdout.split('\n')) {
    const content = readDatagram(Buffer.from(line.trim(), 'hex'));
    if (content.kind !== 'rtp') continue;
    const ssrc = `0x${content.ssrc.toString(16).padStart(8, '0')}`;
    const stream = seen.get(ssrc);
    if (!stream) {
      seen.set(ssrc, { highest: content.sequence, lowest: content.sequence, sequences: new Set([content.sequence]) });
      continue;
    }
    // RFC 3550 A.1: the 16-bit number taken in the cycle nearest the highest seen.
    let extended = stream.highest - (stream.highest & 0xffff) + content.sequence;
    if (extended < stream.highest - 0x8000) extended += 0x10000;
    else if (extended > stream.highest + 0x8000) extended -= 0x10000;
    stream.sequences.add(extended);
    stream.highest = Math.max(stream.highest, extended);
    stream.lowest = Math.min(stream.lowest, extended);
  }
  return new Map([...seen].map(([ssrc, s]) => [ssrc, s.highest - s.lowest + 1 - s.sequences.size]));
}

// Issue 26's done-when: no stream's loss exceeds what its sequence numbers, read from the bytes, show.
describe('media loss never exceeds the sequence gaps in the datagram bytes', function () {
  const folder = temporaryFolder('media-loss');

  for (const capture of sharedCaptureNames()) {
    it(capture, async function () {
      const path = sharedCapture(this, capture);
      const [report, missing] = await Promise.all([analyzed(path), missingFromBytes(path)]);
      for (const stream of report.quality?.streams ?? []) {
        if (stream.path.endsWith('tcp') || stream.path.endsWith('443')) continue;
        const most = missing.get(stream.ssrc) ?? 0;
        assert.ok(stream.lost <= most, `${stream.ssrc}: ${stream.lost} reported lost, the bytes show ${most} missing`);
      }
    });
  }

  it('a call relayed through MS-TURN Data indications and two relay legs is not poor for loss (audio-file-Z1)', async function () {
    const report = await analyzed(sharedCapture(this, 'teams-more/audio-file-Z1.pcapng'));
    const inbound = report.quality!.streams.find((s) => s.ssrc === '0x000014f8')!;
    assert.equal(inbound.packets, 1411);
    assert.equal(inbound.lost, 0);
    assert.equal(inbound.legs?.length, 2, 'two relay legs');
    assert.ok(inbound.readByBytes! > 0, 'packets tshark did not decode, read from the bytes');
    assert.ok(!report.quality!.streams.some((s) => s.crossed.some((c) => /loss/.test(c.metric))));
  });

  it('cut by a 60-byte snap length, the relay leg cannot be measured: no loss figure is judged', async function () {
    const path = join(folder(), 'audio-file-Z1-snap60.pcapng');
    await execa('editcap', ['-s', '60', sharedCapture(this, 'teams-more/audio-file-Z1.pcapng'), path]);
    const report = await analyzed(path);
    const inbound = report.quality!.streams.find((s) => s.ssrc === '0x000014f8')!;
    assert.match(inbound.lossNotMeasured!, /datagrams to its receiver were cut by the capture's snap length/);
    assert.equal(inbound.verdict, 'not-judged');
    assert.match(inbound.notJudgedBecause!, /^loss cannot be measured/);
  });
});
