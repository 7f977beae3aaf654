import assert from 'node:assert/strict';
import type { StreamPackets } from '../../core/model/quality-packets.js';
import { analyseStream } from '../../core/quality/stream.js';

/** A video stream at 90 kHz: packets in arrival order, each [sequence number, frame's RTP timestamp step]. */
function videoStream(sequences: number[], framePackets = 1): StreamPackets {
  const n = sequences.length;
  const frameOf = (i: number) => Math.floor(i / framePackets);
  return {
    key: 'flow/1.1.1.1:1000/0x00000001',
    ssrc: '0x00000001',
    flowId: 'udp:1',
    transport: 'udp',
    source: { ip: '1.1.1.1', port: 1000 },
    destination: { ip: '2.2.2.2', port: 2000 },
    frames: Uint32Array.from(sequences, (_, i) => i + 1),
    times: Float64Array.from(sequences, (_, i) => 100 + frameOf(i) / 30 + (i % framePackets) * 0.0005),
    sequences: Uint16Array.from(sequences),
    timestamps: Uint32Array.from(sequences, (_, i) => 1_000 + frameOf(i) * 3_000),
    payloadTypes: Int16Array.from(sequences, () => 122),
    markers: Uint8Array.from(sequences, () => 0),
    bytes: Uint32Array.from(sequences, () => 1_000),
    dscp: new Map(),
    decoded: n,
    legs: [],
    repeatedAcrossLegs: 0,
  };
}

describe('quality/stream: expected and lost packets of one RTP stream', () => {
  it('counts a packet reordered before the stream\'s first as received, not as a wrap-around (65,536 "lost")', () => {
    // One video frame's packets arrive shuffled; tshark's cycle counter reads each step below the first as a wrap.
    const stream = videoStream([63865, 63867, 63863, 63864, 63866, 63861, 63868, 63862, 63869, 63870], 10);
    const { expected, lost, lossPercent, reordered } = analyseStream(stream, 100, 1);
    assert.deepEqual({ expected, lost, lossPercent }, { expected: 10, lost: 0, lossPercent: 0 });
    assert.ok(reordered > 0);
  });

  it('follows a real wrap-around, reordered across it too, and counts what is missing', () => {
    assert.deepEqual(
      (({ expected, lost }) => ({ expected, lost }))(
        analyseStream(videoStream([65533, 65535, 0, 65534, 1, 3]), 100, 1),
      ),
      { expected: 7, lost: 1 },
    );
  });

  it('counts a duplicate against the loss, as tshark does (expected − received)', () => {
    const { expected, lost, duplicates } = analyseStream(videoStream([10, 11, 11, 12]), 100, 1);
    assert.deepEqual({ expected, lost, duplicates }, { expected: 3, lost: -1, duplicates: 1 });
  });

  it('finds no burst loss in a stream whose packets arrive shuffled within each frame but all arrive', () => {
    // 10 s of 30 frames/s, 10 packets a frame, each frame's packets in reverse order: late, never lost.
    const sequences = Array.from({ length: 3000 }, (_, i) => 1000 + Math.floor(i / 10) * 10 + (9 - (i % 10)));
    const { lost, windows, series } = analyseStream(videoStream(sequences, 10), 100, 1);
    assert.equal(lost, 0);
    assert.equal(windows.burstLoss200ms?.value, 0);
    assert.equal(windows.loss15s?.value, 0);
    assert.ok(series.lossPercent.every((percent) => percent === 0));
  });

  it('shows a real burst where it happened: 20 packets never sent back', () => {
    const sequences = Array.from({ length: 3000 }, (_, i) => 1000 + i).filter((seq) => seq < 2000 || seq >= 2020);
    const { lost, windows } = analyseStream(videoStream(sequences, 10), 100, 1);
    assert.equal(lost, 20);
    assert.ok(windows.burstLoss200ms!.value > 10, `${windows.burstLoss200ms!.value} %`);
  });
});
