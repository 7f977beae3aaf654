import assert from 'node:assert/strict';
import { analyzeCapture } from '../core/analyze.js';
import { collectorList, makeCollectors } from '../core/collectors.js';
import { FastPathMerge, planFastPath, type FastPathPlan } from '../core/media/fast-path.js';
import { FrameCollector } from '../core/model/frames.js';
import type { EkRecord } from '../core/schema/generated/ek-record.js';
import { locateTshark } from '../core/tshark/locate.js';
import type { ChunkingOptions } from '../core/tshark/chunking/plan.js';
import { runTsharkPass } from '../core/tshark/run.js';
import { goldenCases } from './goldens.js';
import { analyzed, sampleCapture, sharedCapture } from './helpers.js';

/**
 * The media fast path (core/media/fast-path.ts) keeps a call's RTP packets out of tshark and makes their records
 * from the capture's bytes. It must change nothing but the time an analysis takes: every record it makes is the
 * one tshark writes for that frame, and every report is the one reading everything through tshark gives.
 */

type Layers = EkRecord['layers'];

/** The fields an analysis asks tshark for. */
const FIELDS = [...new Set([new FrameCollector(), ...collectorList(makeCollectors({}))].flatMap((c) => c.fields))];

/** Every record of one analysis pass, by frame: through tshark alone, or with the fast path's records merged in. */
async function recordsByFrame(capture: string, plan?: FastPathPlan, chunking?: ChunkingOptions) {
  const tshark = await locateTshark();
  const records = new Map<number, Layers>();
  const keep = (packet: { frame: number; layers: Layers }) => records.set(packet.frame, packet.layers);
  const merge = plan && new FastPathMerge(capture, plan, keep);
  await runTsharkPass({
    tshark,
    capture,
    fields: FIELDS,
    chunking: chunking ?? { chunkPackets: 0 },
    warn: () => undefined,
    index: plan?.index,
    frames: plan?.tsharkFrames,
    onPacket: merge ? (packet) => merge.add(packet) : keep,
  });
  merge?.finish();
  return records;
}

/** A record's fields as the model reads them: the inherited template fields too, RTCP's "rtp:rtcp" as PacketRecord reads it. */
function comparable(layers: Layers, withoutPayload: boolean): Record<string, readonly string[]> {
  const fields: Record<string, readonly string[]> = {};
  for (const field in layers) if (!(withoutPayload && field === 'udp_payload')) fields[field] = layers[field]!;
  fields.frame_protocols = fields.frame_protocols!.map((stack) => stack.replace(':rtp:rtcp', ':rtcp'));
  return fields;
}

describe('media fast path (core/media/fast-path.ts)', function () {
  describe('makes, for every RTP packet it keeps out of tshark, the record tshark writes', function () {
    for (const [name, chunking] of [
      ['teams-activities/audio-wifi-K1AW-60sec.pcapng', undefined],
      ['teams-activities/video-wifi-Q2VW.pcapng', undefined],
      ['teams-more/audio-4g-E1.pcapng', undefined],
      ['teams-more/audio-file-Z1.pcapng', undefined],
      // Chunks of the subset start and warm up at the packets they would over the whole capture.
      ['teams-activities/video-4g-K3VG-60sec.pcapng', { chunkPackets: 1500, workers: 2, warmupPackets: 300 }],
    ] as const) {
      it(`${name}${chunking ? ', read in chunks' : ''}`, async function () {
        const capture = sharedCapture(this, name);
        const { plan } = await planFastPath(capture);
        assert.ok(plan, 'the capture is a call: the fast path takes its RTP');
        const [whole, merged] = await Promise.all([
          recordsByFrame(capture, undefined, chunking),
          recordsByFrame(capture, plan, chunking),
        ]);
        assert.equal(merged.size, whole.size, 'every frame once');
        const cut = new Set(plan.cutFrames);
        for (const [frame, layers] of whole) {
          const made = merged.get(frame);
          assert.ok(made, `frame ${frame} is in the merged pass`);
          assert.deepEqual(comparable(made, cut.has(frame)), comparable(layers, cut.has(frame)), `frame ${frame}`);
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
        const { plan } = await planFastPath(capture);
        if (!plan) return; // no RTP kept out: the analysis reads the capture through tshark alone either way
        const fast = await analyzed(capture);
        const throughTshark = await analyzeCapture(capture, { mediaFastPath: false });
        assert.deepEqual(fast, throughTshark);
      });
    }
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
