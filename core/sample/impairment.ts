import type { SeededRandom } from './random.js';
import type { MediaKind } from './truth.js';
import type { SampleTruth } from './truth.js';

export type StreamQualityTruth = NonNullable<SampleTruth['media'][number]['quality']>;

/** A stretch of a stream, in seconds from its start. */
export interface Span {
  start: number;
  duration: number;
}

/**
 * What a bad network does to an inbound stream: random one-way delay (jitter), random loss, bursts in which
 * every packet is lost, packets held back behind the next one (reordering); and what a talker does that is
 * not the network: silences in which the sender sends nothing (DTX).
 */
export interface Impairment {
  /** Each packet is delayed by a uniformly random 0…delay seconds, first in first out (a queue: none overtakes another). */
  delay?: number;
  /** Probability that a packet is lost. */
  loss?: number;
  bursts?: Span[];
  /** Probability that a packet is held back by `reorderDelay` and arrives after the next one. */
  reorder?: number;
  /** Silences of the sender (audio DTX). */
  dtx?: Span[];
}

const REORDER_DELAY = 0.03;
/** A pause this long or longer is a gap (Teamshark's burst-loss window). */
const GAP_SECONDS = 0.2;
/** Microsoft's poor-stream thresholds (CQD stream classification): loss for every kind, jitter for audio. */
const POOR = {
  audio: { lossPercent: 10, jitterMs: 30 },
  video: { lossPercent: 15, jitterMs: Infinity },
  'screen-sharing': { lossPercent: 15, jitterMs: Infinity },
};

interface Arrival {
  sent: number;
  arrival: number;
  sequence: number;
  /** RTP timestamp units since the stream's first packet. */
  timestamp: number;
  marker: boolean;
}

/** The network between a sender and the capture point, and the ground truth of what it did to the stream. */
export class ImpairedPath {
  private readonly arrivals: Arrival[] = [];
  private sent = 0;
  /** When the queue last let a packet out. */
  private queueExit = -Infinity;

  constructor(
    private readonly random: SeededRandom,
    private readonly impairment: Impairment,
    private readonly start: number,
  ) {}

  /** True while the sender is silent: it sends nothing, and its sequence numbers do not advance. */
  silent(time: number): boolean {
    return within(this.impairment.dtx, time - this.start);
  }

  /** When the packet sent at `time` reaches the capture, or undefined when it is lost. */
  carry(time: number, sequence: number, timestamp: number, marker: boolean): number | undefined {
    this.sent++;
    const { delay = 0, loss = 0, reorder = 0 } = this.impairment;
    const lost = this.random.between(0, 1) < loss || within(this.impairment.bursts, time - this.start);
    const held = this.random.between(0, 1) < reorder ? REORDER_DELAY : 0;
    const exit = Math.max(time + this.random.between(0, delay), this.queueExit);
    if (lost) return undefined;
    this.queueExit = exit;
    const arrival = exit + held;
    this.arrivals.push({ sent: time, arrival, sequence, timestamp, marker });
    return arrival;
  }

  /** Packets lost so far, for the receiver's RTCP reports. */
  get lostSoFar(): number {
    return this.sent - this.arrivals.length;
  }

  get sentSoFar(): number {
    return this.sent;
  }

  /** The ground truth, from the exact times; `clock` is the stream's RTP clock rate. */
  truth(kind: MediaKind, clock: number): StreamQualityTruth {
    const packets = [...this.arrivals].sort((a, b) => a.arrival - b.arrival);
    let highest = -1;
    let reordered = 0;
    let dtxPauses = 0;
    let lossGaps = 0;
    let jitter = 0;
    let sum = 0;
    let count = 0;
    let max = 0;
    let last = packets[0];
    packets.forEach((p, i) => {
      if (p.sequence < highest) reordered++;
      if (i > 0) {
        const before = packets[i - 1]!;
        if (p.arrival - before.arrival >= GAP_SECONDS) {
          if (p.sequence > highest + 1) lossGaps++;
          else if (p.sequence === highest + 1 && p.sent - before.sent >= GAP_SECONDS) dtxPauses++;
        }
        // RFC 3550 §6.4.1 against the last packet whose timestamp was in order, in ms.
        const d = (p.arrival - last!.arrival) * 1000 - ((p.timestamp - last!.timestamp) / clock) * 1000;
        jitter += (Math.abs(d) - jitter) / 16;
        if (!p.marker && p.timestamp >= last!.timestamp) {
          sum += jitter;
          count++;
          max = Math.max(max, jitter);
        }
        if (p.timestamp >= last!.timestamp) last = p;
      }
      highest = Math.max(highest, p.sequence);
    });
    const lost = this.sent - this.arrivals.length;
    const jitterMeanMs = round(count ? sum / count : 0);
    const poor = (lost * 100) / Math.max(this.sent, 1) > POOR[kind].lossPercent || jitterMeanMs > POOR[kind].jitterMs;
    return {
      sent: this.sent,
      received: this.arrivals.length,
      lost,
      reordered,
      dtxPauses,
      lossGaps,
      jitterMeanMs,
      jitterMaxMs: round(max),
      verdict: poor ? 'poor' : 'good',
    };
  }
}

function within(spans: readonly Span[] | undefined, offset: number): boolean {
  return spans?.some((s) => offset >= s.start && offset < s.start + s.duration) ?? false;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
