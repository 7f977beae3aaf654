import { COMFORT_NOISE_TYPES, STATIC_CLOCK_RATES, streamClock, type ClockRate } from './clock.js';
import type { StreamPackets } from '../model/quality-packets.js';
import { withoutUndefined } from '../model/collector.js';

/** A pause between two packets of a stream this long or longer is a gap (one 200 ms burst-loss window). */
export const GAP_SECONDS = 0.2;
/** A gap counts as the sender pausing (DTX) when the RTP timestamp advanced over at least this share of it. */
const DTX_SHARE = 0.5;

/** Microsoft's network targets (customer edge to Microsoft edge), each over windows of the given length. */
export const WINDOW_TARGETS = {
  loss15s: { seconds: 15, target: 1 },
  jitter15s: { seconds: 15, target: 30 },
  burstLoss200ms: { seconds: 0.2, target: 10 },
} as const;

export interface Gap {
  start: number;
  durationMs: number;
  cause: 'loss' | 'dtx' | 'delay' | 'unknown';
  missing: number;
  frames: [number, number];
}

export interface Window {
  start: number;
  seconds: number;
  value: number;
  target: number;
  met: boolean;
  lost?: number;
  expected?: number;
}

export interface StreamStatistics {
  packets: number;
  expected: number;
  lost: number;
  lossPercent: number;
  duplicates: number;
  reordered: number;
  clock: ClockRate;
  jitter?: { meanMs: number; maxMs: number };
  maxDeltaMs: number;
  maxDeltaFrame?: number;
  frameRate?: number;
  gaps: Gap[];
  windows: { loss15s?: Window; jitter15s?: Window; burstLoss200ms?: Window };
  series: { start: number; packets: number[]; kbps: number[]; lossPercent: number[]; jitterMs?: number[] };
}

/**
 * One stream's statistics. Expected, lost, max delta and jitter follow Wireshark's RTP Stream Analysis
 * (ui/tap-rtp-analysis.c) step by step, so that they equal `tshark -z rtp,streams`: lost = expected − received
 * (sequence numbers extended as RFC 3550 A.1 does, where tshark's own cycle count errs; see below), deltas and jitter measured against the last packet whose timestamp was in
 * order, and marker, comfort-noise and out-of-order packets left out of max delta, max and mean jitter.
 * Jitter is RFC 3550 §6.4.1's estimator (J += (|D| − J)/16) in ms; where tshark knows no clock (dynamic payload
 * types) the inferred one is used. Duplicates, reordering, gaps and windows use RFC 3550 A.1's extended sequence
 * numbers.
 */
export function analyseStream(s: StreamPackets, captureStart: number, binSeconds: number): StreamStatistics {
  const n = s.times.length;
  const timestamps = extendTimestamps(s.timestamps);
  const seconds = s.times[n - 1]! - s.times[0]!;
  const clock = streamClock(s.payloadTypes, measuredClock(s.times, timestamps), seconds);

  // Wireshark's per-packet analysis.
  const jitterAt = new Float64Array(n);
  let lastTime = (s.times[0]! - captureStart) * 1000;
  let lastTimestamp = timestamps[0]!;
  let previousType = s.payloadTypes[0]!;
  let jitter = 0;
  let maxJitter = 0;
  let meanJitter = 0;
  let maxDelta = 0;
  let maxDeltaFrame: number | undefined;
  for (let i = 1; i < n; i++) {
    const time = (s.times[i]! - captureStart) * 1000;
    const inOrder = lastTimestamp <= timestamps[i]!;
    const type = s.payloadTypes[i]!;
    const comfortNoise = COMFORT_NOISE_TYPES.has(type);
    const afterComfortNoise = COMFORT_NOISE_TYPES.has(previousType);
    previousType = type;
    const rate = type < 96 ? STATIC_CLOCK_RATES.get(type) : clock.rate;
    const delta = time - lastTime;
    if (rate) {
      // tshark divides by the rate in whole kHz.
      const expectedTime = lastTime + (timestamps[i]! - lastTimestamp) / Math.floor(rate / 1000);
      jitter = (15 * jitter + Math.abs(time - expectedTime)) / 16;
    }
    jitterAt[i] = jitter;
    if (!s.markers[i] && !comfortNoise && inOrder && !afterComfortNoise) {
      if (delta > maxDelta) {
        maxDelta = delta;
        maxDeltaFrame = s.frames[i];
      }
      if (rate) {
        if (jitter > maxJitter) maxJitter = jitter;
        meanJitter = (meanJitter * (i - 1) + jitter) / i;
      }
    }
    if (inOrder) {
      lastTime = time;
      lastTimestamp = timestamps[i]!;
    }
  }

  // RFC 3550 A.1 sequence bookkeeping: each packet's extended sequence number, the highest before it, duplicates,
  // reordering, and which numbers ever arrive.
  const extendedAt = new Float64Array(n);
  const highestBefore = new Float64Array(n);
  const seen = new Set<number>();
  let highest = -1;
  let lowest = s.sequences[0]!;
  let duplicates = 0;
  let reordered = 0;
  for (let i = 0; i < n; i++) {
    const extended = i === 0 ? s.sequences[0]! : extendSequence(s.sequences[i]!, highest);
    extendedAt[i] = extended;
    highestBefore[i] = i === 0 ? extended - 1 : highest;
    if (seen.has(extended)) {
      duplicates++;
    } else {
      seen.add(extended);
      if (i > 0 && extended < highest) reordered++;
    }
    highest = Math.max(highest, extended);
    lowest = Math.min(lowest, extended);
  }
  // tshark counts from the first sequence number to the last packet's, and its cycle counter takes a packet that
  // arrives before the stream's first (reordered within a video frame) for a wrap-around: 65,536 "lost" each time.
  // RFC 3550 A.1/A.3 count from the lowest to the highest extended number: the same wherever the stream starts and
  // ends in order, which is every stream of the shared captures, and true where it does not.
  const expected = highest - lowest + 1;
  const lost = expected - n;

  // Where losses show: a sequence number counts where it was first expected (at the packet that skipped it), and
  // as lost only if it never arrives: one that comes later, reordered, is late, not lost, in any window or gap.
  const newlyExpected = new Int32Array(n);
  const arrived = new Int32Array(n);
  const gaps: Gap[] = [];
  for (let i = 0; i < n; i++) {
    const extended = extendedAt[i]!;
    const before = highestBefore[i]!;
    newlyExpected[i] = Math.max(0, extended - before);
    let missing = 0;
    for (let skipped = before + 1; skipped < extended; skipped++) if (!seen.has(skipped)) missing++;
    arrived[i] = newlyExpected[i]! - missing;
    if (i > 0 && s.times[i]! - s.times[i - 1]! >= GAP_SECONDS) {
      const pause = s.times[i]! - s.times[i - 1]!;
      const advanced = clock.rate ? (timestamps[i]! - timestamps[i - 1]!) / clock.rate : undefined;
      const cause =
        missing > 0 ? 'loss' : advanced === undefined ? 'unknown' : advanced >= pause * DTX_SHARE ? 'dtx' : 'delay';
      gaps.push({
        start: round((s.times[i - 1]! - captureStart) * 1e6) / 1e6,
        durationMs: round(pause * 1000),
        cause,
        missing,
        frames: [s.frames[i - 1]!, s.frames[i]!],
      });
    }
  }

  const relative = s.times.map((t) => t - captureStart);
  const windows: StreamStatistics['windows'] = {};
  const sums = { expected: prefixSums(newlyExpected), arrived: prefixSums(arrived), jitter: prefixSums(jitterAt) };
  const loss = (from: number, to: number) => lossOver(sums.expected, sums.arrived, from, to);
  windows.loss15s = worstWindow(relative, WINDOW_TARGETS.loss15s, loss);
  windows.burstLoss200ms = worstWindow(relative, WINDOW_TARGETS.burstLoss200ms, loss);
  if (clock.rate)
    windows.jitter15s = worstWindow(relative, WINDOW_TARGETS.jitter15s, (from, to) => ({
      value: (sums.jitter[to]! - sums.jitter[from]!) / (to - from),
    }));

  const statistics: StreamStatistics = {
    packets: n,
    expected,
    lost,
    lossPercent: expected > 0 ? round((lost * 100) / expected) : 0,
    duplicates,
    reordered,
    clock,
    maxDeltaMs: round3(maxDelta),
    gaps,
    windows: withoutUndefined(windows),
    series: binSeries(s, relative, newlyExpected, arrived, clock.rate ? jitterAt : undefined, binSeconds),
  };
  if (maxDeltaFrame !== undefined) statistics.maxDeltaFrame = maxDeltaFrame;
  if (clock.rate) statistics.jitter = { meanMs: round3(meanJitter), maxMs: round3(maxJitter) };
  if (seconds >= 1) statistics.frameRate = round(new Set(timestamps).size / seconds);
  return statistics;
}

/**
 * 32-bit RTP timestamps extended past wrap-arounds: each the nearest, forwards or backwards, to the one before
 * (so a jump of more than 2^31 reads as a step back, as Wireshark's RTP dissector reads it).
 */
function extendTimestamps(raw: Uint32Array): number[] {
  const out: number[] = [];
  let previous = raw[0] ?? 0;
  for (const value of raw) {
    let step = value - (((previous % 0x100000000) + 0x100000000) % 0x100000000);
    if (step >= 0x80000000) step -= 0x100000000;
    else if (step < -0x80000000) step += 0x100000000;
    previous += step;
    out.push(previous);
  }
  return out;
}

/** A 16-bit sequence number extended to the cycle that puts it nearest the highest seen (RFC 3550 A.1). */
function extendSequence(sequence: number, highest: number): number {
  const cycle = highest - (highest & 0xffff);
  let extended = cycle + sequence;
  if (extended < highest - 0x8000) extended += 0x10000;
  else if (extended > highest + 0x8000 && extended >= 0x10000) extended -= 0x10000;
  return extended;
}

/** Timestamp units per second of arrival time, from the first packet to the latest in-order one. */
function measuredClock(times: Float64Array, timestamps: readonly number[]): number | undefined {
  let last = 0;
  for (let i = 1; i < times.length; i++) if (timestamps[i]! >= timestamps[last]!) last = i;
  const elapsed = times[last]! - times[0]!;
  return elapsed > 0 ? (timestamps[last]! - timestamps[0]!) / elapsed : undefined;
}

/** sums[i] = values[0] + … + values[i − 1]: any run's total in two look-ups. */
function prefixSums(values: ArrayLike<number>): Float64Array {
  const sums = new Float64Array(values.length + 1);
  for (let i = 0; i < values.length; i++) sums[i + 1] = sums[i]! + values[i]!;
  return sums;
}

/** Loss over packets [from, to): sequence numbers first expected there that never arrive. */
function lossOver(
  expectedSums: Float64Array,
  arrivedSums: Float64Array,
  from: number,
  to: number,
): { value: number; lost: number; expected: number } {
  const expected = expectedSums[to]! - expectedSums[from]!;
  const got = arrivedSums[to]! - arrivedSums[from]!;
  const lost = Math.max(0, expected - got);
  return { value: expected ? round((lost * 100) / expected) : 0, lost, expected };
}

/**
 * The worst window of a stream: one window starting at each packet's arrival (each stretch of the stream
 * the target is stated for), or the whole stream when it is shorter than one window.
 */
function worstWindow(
  times: Float64Array,
  { seconds, target }: { seconds: number; target: number },
  measure: (from: number, to: number) => { value: number; lost?: number; expected?: number },
): Window | undefined {
  const n = times.length;
  if (n < 2) return undefined;
  let worst: (ReturnType<typeof measure> & { start: number; seconds: number }) | undefined;
  const consider = (from: number, to: number, length: number) => {
    const m = measure(from, to);
    if (!worst || m.value > worst.value) worst = { ...m, start: times[from]!, seconds: length };
  };
  if (times[n - 1]! - times[0]! < seconds) {
    consider(0, n, round3(times[n - 1]! - times[0]!));
  } else {
    let end = 0;
    for (let from = 0; from < n && times[from]! + seconds <= times[n - 1]!; from++) {
      while (end < n && times[end]! < times[from]! + seconds) end++;
      consider(from, end, seconds);
    }
  }
  if (!worst) return undefined;
  const window: Window = {
    start: round3(worst.start),
    seconds: worst.seconds,
    value: round3(worst.value),
    target,
    met: worst.value < target,
  };
  if (worst.lost !== undefined) window.lost = worst.lost;
  if (worst.expected !== undefined) window.expected = worst.expected;
  return window;
}

/** Packets, bit rate, loss and mean jitter per bin, bins on multiples of binSeconds from the capture's start. */
function binSeries(
  s: StreamPackets,
  relative: Float64Array,
  newlyExpected: Int32Array,
  arrived: Int32Array,
  jitterAt: Float64Array | undefined,
  binSeconds: number,
): StreamStatistics['series'] {
  const origin = Math.floor(relative[0]! / binSeconds) * binSeconds;
  const bins = Math.floor((relative[relative.length - 1]! - origin) / binSeconds) + 1;
  const packets = new Array<number>(bins).fill(0);
  const bytes = new Array<number>(bins).fill(0);
  const expected = new Array<number>(bins).fill(0);
  const got = new Array<number>(bins).fill(0);
  const jitterSum = new Array<number>(bins).fill(0);
  relative.forEach((t, i) => {
    const bin = Math.floor((t - origin) / binSeconds);
    packets[bin]++;
    bytes[bin] += s.bytes[i]!;
    expected[bin] += newlyExpected[i]!;
    got[bin] += arrived[i]!;
    if (jitterAt) jitterSum[bin] += jitterAt[i]!;
  });
  const series: StreamStatistics['series'] = {
    start: round3(origin),
    packets,
    kbps: bytes.map((b) => round((b * 8) / binSeconds / 1000)),
    lossPercent: expected.map((e, bin) => (e ? round((Math.max(0, e - got[bin]!) * 100) / e) : 0)),
  };
  if (jitterAt) series.jitterMs = jitterSum.map((sum, bin) => (packets[bin] ? round(sum / packets[bin]!) : 0));
  return series;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
