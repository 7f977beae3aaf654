import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import { collectorList, makeCollectors } from '../core/collectors.js';
import { FastPathMerge, planFastPath, type FastPathPlan } from '../core/media/fast-path.js';
import { addressingOf } from '../core/model/addressing.js';
import { MadeRecord } from '../core/media/made-record.js';
import { RecordPayloads } from '../core/media/record-payloads.js';
import type { PacketRecord } from '../core/tshark/record.js';
import { RecordReader, type CaptureIndex } from '../core/records/capture-index.js';
import { FrameCollector } from '../core/model/frames.js';
import type { EkRecord } from '../core/schema/generated/ek-record.js';
import { locateTshark } from '../core/tshark/locate.js';
import type { ChunkingOptions } from '../core/tshark/chunking/plan.js';
import { runTsharkPass } from '../core/tshark/run.js';
import { goldenCases } from './goldens.js';
import { analysisPasses, analyzed, countingTshark, sampleCapture, sharedCapture, temporaryFolder } from './helpers.js';

/**
 * The media fast path (core/media/fast-path.ts) keeps a call's RTP packets out of tshark and makes their records
 * from the capture's bytes. It must change nothing but the time an analysis takes: every record it makes is the
 * one tshark writes for that frame, and every report is the one reading everything through tshark gives.
 */

type Layers = EkRecord['layers'];

/** The fields an analysis asks tshark for when the capture's records give the datagrams' bytes, as with the fast path. */
function fieldsFromRecords(payloads: RecordPayloads): string[] {
  const collectors = [new FrameCollector(), ...collectorList(makeCollectors({ payloads }))];
  return [...new Set(collectors.flatMap((c) => c.fields))];
}

/** Every record of one analysis pass, by frame: through tshark alone, or with the fast path's records merged in. */
async function recordsByFrame(capture: string, index: CaptureIndex, plan?: FastPathPlan, chunking?: ChunkingOptions) {
  const tshark = await locateTshark();
  const records = new Map<number, PacketRecord>();
  const keep = (packet: PacketRecord) => records.set(packet.frame, packet);
  const reader = new RecordReader(capture, index);
  const merge = plan && new FastPathMerge(reader, plan, keep);
  try {
    await runTsharkPass({
      tshark,
      capture,
      fields: fieldsFromRecords(new RecordPayloads(reader, index)),
      chunking: chunking ?? { chunkPackets: 0 },
      warn: () => undefined,
      index,
      frames: plan?.tsharkFrames,
      onPacket: merge ? (packet) => merge.add(packet) : keep,
    });
    merge?.finish();
  } finally {
    reader.close();
  }
  return records;
}

/** A record's fields as the model reads them: the inherited template fields too, RTCP's "rtp:rtcp" as PacketRecord reads it. */
function comparable(layers: Layers): Record<string, readonly string[]> {
  const fields: Record<string, readonly string[]> = {};
  for (const field in layers) fields[field] = layers[field]!;
  fields.frame_protocols = fields.frame_protocols!.map((stack) => stack.replace(':rtp:rtcp', ':rtcp'));
  return fields;
}

describe('media fast path (core/media/fast-path.ts)', function () {
  const folder = temporaryFolder('fast-path');

  describe('makes, for every RTP packet it keeps out of tshark, the record tshark writes', function () {
    for (const [name, chunking] of [
      ['teams-activities/audio-wifi-K1AW-60sec.pcapng', undefined],
      ['teams-activities/video-wifi-Q2VW.pcapng', undefined],
      ['teams-more/audio-4g-E1.pcapng', undefined],
      ['teams-more/audio-file-Z1.pcapng', undefined],
      // Chunks cut at chosen frames start and warm up at the same packets with the subset as without it.
      ['teams-activities/video-4g-K3VG-60sec.pcapng', { starts: [1500, 3000, 4500], workers: 2, warmupPackets: 300 }],
    ] as const) {
      it(`${name}${chunking ? ', read in chunks' : ''}`, async function () {
        const capture = sharedCapture(this, name);
        const { plan } = await planFastPath(capture);
        assert.ok(plan, 'the capture is a call: the fast path takes its RTP');
        const [whole, merged] = await Promise.all([
          recordsByFrame(capture, plan.index, undefined, chunking),
          recordsByFrame(capture, plan.index, plan, chunking),
        ]);
        assert.equal(merged.size, whole.size, 'every frame once');
        const reader = new RecordReader(capture, plan.index);
        const fields = fieldsFromRecords(new RecordPayloads(reader, plan.index));
        reader.close();
        for (const [frame, tsharks] of whole) {
          const record = merged.get(frame);
          assert.ok(record, `frame ${frame} is in the merged pass`);
          if (!(record instanceof MadeRecord)) continue;
          assert.deepEqual(comparable(record.written()), comparable(tsharks.layers), `frame ${frame}`);
          // What the collectors read of it, field by field, as they read tshark's record.
          const read = (packet: PacketRecord) =>
            fields.map((field) => [
              field,
              packet.values(field),
              packet.first(field),
              packet.has(field),
              packet.int(field),
              packet.ints(field),
              packet.flag(field),
            ]);
          assert.deepEqual(read(record), read(tsharks), `frame ${frame}`);
          assert.deepEqual(
            [record.time, record.length, record.timed, record.protocols],
            [tsharks.time, tsharks.length, tsharks.timed, tsharks.protocols],
          );
        }
      });
    }
  });

  describe('gives the report reading everything through tshark gives', function () {
    for (const goldenCase of goldenCases()) {
      it(goldenCase.name, async function () {
        const capture =
          'capture' in goldenCase.source
            ? sharedCapture(this, goldenCase.source.capture.split('/captures/')[1]!)
            : sampleCapture(goldenCase.source.scenario).path;
        // With or without RTP kept out, the datagrams' bytes come from the records (core/media/record-payloads.ts).
        const fast = await analyzed(capture);
        const throughTshark = await analyzeCapture(capture, { mediaFastPath: false });
        assert.deepEqual(fast, throughTshark);
      });
    }
  });

  describe('gives the datagram tshark read from its record, or none (core/media/record-payloads.ts)', function () {
    /** Per frame tshark addresses as UDP: the payload's hex, or "none". */
    async function payloadsOf(capture: string): Promise<Map<number, string>> {
      const index = (await planFastPath(capture)).index!;
      const reader = new RecordReader(capture, index);
      const payloads = new RecordPayloads(reader, index);
      const read = new Map<number, string>();
      try {
        await runTsharkPass({
          tshark: await locateTshark(),
          capture,
          fields: fieldsFromRecords(payloads),
          chunking: { chunkPackets: 0 },
          warn: () => undefined,
          index,
          onPacket: (packet) => {
            const addressing = addressingOf(packet);
            if (addressing?.transport !== 'udp') return;
            const payload = payloads.of(packet, addressing);
            read.set(packet.frame, payload ? Buffer.from(payload).toString('hex') : 'none');
          },
        });
      } finally {
        reader.close();
      }
      return read;
    }
    const none = (read: Map<number, string>) => [...read.values()].filter((payload) => payload === 'none').length;

    it('zoom.pcap: none for the inner datagrams of its GTP-U tunnel, the rest read', async function () {
      const read = await payloadsOf(sharedCapture(this, 'zoom.pcap'));
      assert.deepEqual({ read: read.size - none(read), none: none(read) }, { read: 237, none: 81 });
    });

    it('dns_fragmented.pcap: none for datagrams tshark reassembled from IPv4 and IPv6 fragments', async function () {
      const read = await payloadsOf(sharedCapture(this, 'dns_fragmented.pcap'));
      assert.deepEqual(
        [3, 6, 9].map((frame) => read.get(frame)),
        ['none', 'none', 'none'],
      );
      assert.notEqual(read.get(1), 'none', 'an unfragmented query is read');
    });

    it('dns.pcap: none for DNS over PPPoE, a link layer the reader does not read', async function () {
      const read = await payloadsOf(sharedCapture(this, 'dns.pcap'));
      assert.deepEqual([read.get(4), read.get(5)], ['none', 'none']);
    });
  });

  describe("reads the capture again with tshark's bytes only when a datagram the records lack may be media", function () {
    for (const [name, passes, why] of [
      ['dns.pcap', 1, 'DNS over PPPoE: set aside'],
      ['dns_fragmented.pcap', 1, 'reassembled DNS: set aside'],
      ['zoom.pcap', 2, 'undecoded data inside GTP-U: read again'],
    ] as const) {
      it(`${name} (${why})`, async function () {
        const tshark = await countingTshark(folder());
        const capture = sharedCapture(this, name);
        const [fromRecords, throughTshark] = await Promise.all([
          analyzeCapture(capture, { tsharkPath: tshark.path }),
          analyzeCapture(capture, { mediaFastPath: false }),
        ]);
        assert.deepEqual(fromRecords, throughTshark);
        assert.equal(analysisPasses(await tshark.runs()), passes);
      });
    }
  });

  it('reads the payloads of records the snap length cut as tshark does (a relayed call cut to 80 bytes a packet)', async function () {
    const cut = join(folder(), 'cut-80.pcapng');
    await execa('editcap', ['-s', '80', sharedCapture(this, 'teams-more/audio-file-Z1.pcapng'), cut]);
    const [fromRecords, throughTshark] = await Promise.all([
      analyzeCapture(cut),
      analyzeCapture(cut, { mediaFastPath: false }),
    ]);
    assert.deepEqual(fromRecords, throughTshark);
    assert.ok(
      fromRecords.quality?.streams?.some((stream) => stream.lossNotMeasured),
      'the relayed media cut before its RTP header is reported as not measured',
    );
  });

  it('reads the capture again through tshark when tshark reads a kind of packet otherwise than its bytes say', async function () {
    // Decoded as plain data by the user's rule, the call's RTP to port 50010 contradicts the records the fast path would make.
    const capture = sharedCapture(this, 'teams-activities/audio-wifi-K1AW-60sec.pcapng');
    const tsharkOptions = ['-d', 'udp.port==50010,data'];
    const plan = (await planFastPath(capture)).plan!;
    assert.ok(plan.cutFrames.length > 1000, 'the fast path would keep the RTP out');
    const [fast, throughTshark] = await Promise.all([
      analyzeCapture(capture, { tsharkOptions }),
      analyzeCapture(capture, { tsharkOptions, mediaFastPath: false }),
    ]);
    assert.deepEqual(fast, throughTshark);
    const rtp = fast.protocols.find((share) => share.protocol === 'rtp')?.packets ?? 0;
    assert.ok(rtp < plan.cutFrames.length, `tshark read the call's RTP as the rule says (${rtp} RTP packets)`);
  });
});
