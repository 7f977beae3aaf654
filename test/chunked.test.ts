import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import { indexCapture } from '../core/records/capture-index.js';
import { planChunks, planChunksAmong, resolveChunking, type Chunk } from '../core/tshark/chunking/plan.js';
import { StreamStitcher } from '../core/tshark/chunking/stream-stitcher.js';
import type { EkRecord } from '../core/schema/generated/ek-record.js';
import { TSHARK_ANALYSIS_OPTIONS } from '../core/tshark/run.js';
import { join } from 'node:path';
import { rejectsWithCode } from './assert-error.js';
import { analyzed, sharedCapture, temporaryFolder, writeCutCopy } from './helpers.js';

/** Rows of `tshark -Y filter -T fields -e …` on a capture: one array of columns per matching frame. */
async function framesWhere(capture: string, filter: string, fields: string[]): Promise<string[][]> {
  const { stdout } = await execa('tshark', [
    '-r',
    capture,
    ...TSHARK_ANALYSIS_OPTIONS,
    '-Y',
    filter,
    '-T',
    'fields',
    ...fields.flatMap((f) => ['-e', f]),
  ]);
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split('\t'));
}

interface Cut {
  /** First frame of a chunk. */
  frame: number;
  /** First frame of the exchange the cut falls inside: the warm-up must reach back to it. */
  since: number;
  why: string;
}

/** Frames of teams.pcap where a chunk boundary hurts most, found with tshark, not hard-coded. */
async function awkwardCuts(capture: string): Promise<Cut[]> {
  // A certificate reassembled from several TCP segments: cut after its first segment.
  const [certificate] = await framesWhere(capture, 'tls.handshake.type == 11 && tcp.segment.count > 1', [
    'tcp.segment',
  ]);
  const segments = certificate![0]!.split(',').map(Number);
  // A DNS response whose query is some frames before it: cut at the response.
  const [dns] = (await framesWhere(capture, 'dns.response_to', ['frame.number', 'dns.response_to'])).filter(
    ([r, q]) => Number(r) - Number(q) > 1,
  );
  // The middle of the call's RTP.
  const rtp = (await framesWhere(capture, 'rtp', ['frame.number'])).map(([f]) => Number(f));
  const middle = rtp[Math.floor(rtp.length / 2)]!;
  return [
    { frame: segments[1]!, since: segments[0]!, why: `inside the certificate of frame ${segments.at(-1)}` },
    { frame: Number(dns![0]), since: Number(dns![1]), why: `between DNS query ${dns![1]} and its response ${dns![0]}` },
    { frame: middle, since: middle - 1, why: 'in the middle of the call' },
  ].sort((a, b) => a.frame - b.frame);
}

// The whole report — flows, DNS, TLS, media, findings, activities — must not depend on how the capture was cut.
describe('a capture read in chunks by parallel tsharks', function () {
  this.timeout(120_000);

  it('gives teams.pcap cut inside a TLS handshake, a DNS exchange and a call the same report as one pass', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const cuts = await awkwardCuts(capture);
    // As short a warm-up as still reaches back to the exchanges cut: every later chunk's tshark starts mid-capture,
    // in the middle of long connections, so frames, streams and DNS matches must all be renumbered.
    const warmupPackets = Math.max(...cuts.map((c) => c.frame - c.since)) + 5;
    assert.ok(warmupPackets < cuts[0]!.frame, `warm-up ${warmupPackets} reaches back to frame 1`);
    const single = await analyzed(capture);
    const chunked = await analyzeCapture(capture, {
      chunking: { workers: 2, starts: cuts.map((c) => c.frame), warmupPackets },
    });
    assert.deepStrictEqual(chunked, single, `cut at ${cuts.map((c) => `${c.frame} (${c.why})`).join(', ')}`);
  });

  it('gives a pcapng course capture cut into equal chunks the same report as one pass', async function () {
    const capture = sharedCapture(this, 'teams-activities/audio-lan-K1AE-60sec.pcapng');
    const single = await analyzeCapture(capture, { chunking: { chunkPackets: 0 } });
    const chunkPackets = Math.ceil(single.capture.packets / 3);
    // Each chunk's tshark reads from the first packet on: this checks cutting pcapng (its header blocks go before
    // every chunk); renumbering mid-capture is the test above. A warm-up shorter than a connection's silence
    // changes how tshark labels its next packets (a keep-alive byte read as TLS): the README's known limit.
    const chunked = await analyzeCapture(capture, {
      chunking: { workers: 2, chunkPackets, warmupPackets: single.capture.packets },
    });
    assert.deepStrictEqual(chunked, single);
  });

  it('leaves no chunk output file or named pipe behind, finished or cancelled', async function () {
    const capture = sharedCapture(this, 'teams-activities/audio-lan-K1AE-60sec.pcapng');
    const previous = process.env.TMPDIR;
    const scratch = await mkdtemp(join(tmpdir(), 'teamshark-chunk-scratch-'));
    process.env.TMPDIR = scratch; // where the pass makes its pipes and output files (os.tmpdir() reads it)
    try {
      const chunking = { workers: 2, chunkPackets: 1000 };
      const report = await analyzeCapture(capture, { chunking });
      assert.ok(report.capture.packets > 5000, 'a capture of several chunks');
      assert.deepEqual(await readdir(scratch), []);
      const controller = new AbortController();
      const cancelled = analyzeCapture(capture, {
        chunking,
        signal: controller.signal,
        onProgress: () => controller.abort(),
      });
      await rejectsWithCode(cancelled, 'cancelled');
      assert.deepEqual(await readdir(scratch), []);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
      await rm(scratch, { recursive: true, force: true });
    }
  });
});

describe('cutting a capture into chunks', function () {
  const folder = temporaryFolder('chunks');

  it('indexes every packet record of pcap and pcapng files, as many as tshark counts', async function () {
    for (const name of ['teams.pcap', 'teams-activities/audio-lan-K1AE-60sec.pcapng']) {
      const capture = sharedCapture(this, name);
      const index = await indexCapture(capture);
      const { stdout } = await execa('tshark', ['-r', capture, '-T', 'fields', '-e', 'frame.number']);
      assert.equal(index?.packets, stdout.trim().split('\n').length, name);
      assert.deepEqual(
        index.offsets,
        [...index.offsets].sort((a, b) => a - b),
      );
    }
  });

  it('leaves what it cannot cut safely to one pass: another format, a file cut short', async function () {
    assert.equal(await indexCapture(new URL(import.meta.url).pathname), undefined);
    const cut = await writeCutCopy(this, 'teams.pcap', 100_000, join(folder(), 'cut.pcap'));
    assert.equal(await indexCapture(cut), undefined);
  });

  it('renumbers a later chunk as one tshark would: frames, DNS matches, streams continued or new', function () {
    type Layers = EkRecord['layers'];
    const udp = (
      frame: number,
      stream: number,
      [src, sport]: [string, number],
      [dst, dport]: [string, number],
      extra: Partial<Layers> = {},
    ): Layers => ({
      frame_number: [String(frame)],
      frame_len: ['60'],
      udp_stream: [String(stream)],
      ip_src: [src],
      ip_dst: [dst],
      udp_srcport: [String(sport)],
      udp_dstport: [String(dport)],
      ...extra,
    });
    const tcp = (frame: number, stream: number, syn: boolean): Layers => ({
      frame_number: [String(frame)],
      frame_len: ['60'],
      tcp_stream: [String(stream)],
      ip_src: ['10.0.0.1'],
      ip_dst: ['10.0.0.3'],
      tcp_srcport: ['2000'],
      tcp_dstport: ['443'],
      tcp_flags_syn: [syn ? '1' : '0'],
      tcp_flags_ack: [syn ? '0' : '1'],
    });
    const host = (n: number, port: number): [string, number] => [`10.0.0.${n}`, port];
    const chunks: Chunk[] = [
      { first: 1, last: 4, warmupFirst: 1 },
      { first: 5, last: 8, warmupFirst: 3 },
    ];
    const stitcher = new StreamStitcher();
    stitcher.startChunk(chunks[0]!, chunks[1]);
    for (const layers of [
      tcp(1, 0, true),
      udp(2, 0, host(1, 1000), host(2, 53)),
      udp(3, 1, host(1, 3000), host(4, 3478)),
      udp(4, 1, host(4, 3478), host(1, 3000)),
    ]) {
      assert.equal(stitcher.accept(layers), true);
    }
    // The second chunk's tshark reads frames 3–8 as its 1–6 and numbers streams from 0 again.
    stitcher.startChunk(chunks[1]!, undefined);
    const second = [
      udp(1, 0, host(1, 3000), host(4, 3478)), // warm-up (frame 3): its stream is the first chunk's 1
      udp(2, 0, host(4, 3478), host(1, 3000)), // warm-up (frame 4)
      udp(3, 0, host(1, 3000), host(4, 3478)), // frame 5: continues stream 1, seen in the warm-up
      udp(4, 1, host(2, 53), host(1, 1000)), // frame 6: continues stream 0, silent since frame 2
      tcp(5, 0, true), // frame 7: a SYN on the 5-tuple of TCP stream 0: a new connection
      udp(6, 2, host(1, 5000), host(5, 53), { dns_response_to: ['4'] }), // frame 8: a new stream; answers frame 6
    ];
    assert.deepEqual(
      second.map((layers) => stitcher.accept(layers)),
      [false, false, true, true, true, true],
    );
    assert.deepEqual(
      second.slice(2).map((l) => l.frame_number),
      [['5'], ['6'], ['7'], ['8']],
    );
    assert.deepEqual(
      second.slice(2).map((l) => l.udp_stream ?? l.tcp_stream),
      [['1'], ['0'], ['1'], ['2']],
    );
    assert.deepEqual(second[5]!.dns_response_to, ['6']);
  });

  it('sizes chunks by the frames tshark reads when the fast path keeps the rest out', function () {
    // A 1M-packet call with one frame in ten left to tshark: 100k frames for tshark, one chunk's worth.
    const packets = 1_000_000;
    const frames = Uint32Array.from({ length: packets / 10 }, (_, i) => 10 * i + 1);
    const settings = (chunkPackets: number) => resolveChunking({ workers: 1, chunkPackets, warmupPackets: 5000 }, {});
    assert.equal(planChunksAmong(frames, packets, settings(100_000)), undefined, 'one pass, not ten chunks of 10k');
    assert.deepEqual(
      planChunksAmong(frames, packets, settings(40_000))?.map(({ first, last }) => [first, last]),
      [
        [1, 40_000],
        [40_001, 80_000],
        [80_001, 100_000],
      ],
      'numbered among the frames tshark reads',
    );
    // Cut points given as capture frames stay where they are: frame 500001 is the 50001st of those read.
    const chosen = resolveChunking({ starts: [500_001], warmupPackets: 5000 }, {});
    assert.deepEqual(planChunksAmong(frames, packets, chosen), [
      { first: 1, last: 50_000, warmupFirst: 1 },
      { first: 50_001, last: 100_000, warmupFirst: 49_501 },
    ]);
  });

  it('splits only captures worth splitting, into chunks that cover every frame once', function () {
    const settings = resolveChunking({ workers: 2, chunkPackets: 100_000, warmupPackets: 5000 }, {});
    assert.equal(planChunks(10_000, settings), undefined, 'a small capture is one pass');
    for (const packets of [60_000, 250_001]) {
      const chunks = planChunks(packets, settings)!;
      assert.ok(chunks.length >= 2);
      assert.equal(chunks[0]!.first, 1);
      assert.equal(chunks.at(-1)!.last, packets);
      chunks.forEach((c, i) => {
        if (i > 0) assert.equal(c.first, chunks[i - 1]!.last + 1);
        assert.ok(c.last - c.first < 100_000);
        assert.equal(c.warmupFirst, Math.max(1, c.first - 5000));
      });
    }
    assert.equal(
      planChunks(1_000_000, resolveChunking({ chunkPackets: 0 }, {})),
      undefined,
      'chunkPackets 0 never splits',
    );
    assert.throws(() => planChunks(100, resolveChunking({ starts: [50, 40] }, {})), /must increase/);
  });
});
