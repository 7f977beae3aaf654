/**
 * RTP clock rates. Static payload types have theirs in IANA's RTP Parameters registry (RFC 3551 §6); dynamic
 * ones (96–127) are bound to a codec by signalling, which Teams keeps inside TLS: their rate is measured from
 * the RTP timestamps against arrival times and snapped to the standard rates.
 */

/** IANA RTP payload types with a fixed clock rate (https://www.iana.org/assignments/rtp-parameters). */
export const STATIC_CLOCK_RATES: ReadonlyMap<number, number> = new Map([
  [0, 8000], // PCMU
  [3, 8000], // GSM
  [4, 8000], // G723
  [5, 8000], // DVI4
  [6, 16000], // DVI4
  [7, 8000], // LPC
  [8, 8000], // PCMA
  [9, 8000], // G722 (8 kHz clock by RFC 3551's historical error)
  [10, 44100], // L16 stereo
  [11, 44100], // L16 mono
  [12, 8000], // QCELP
  [13, 8000], // CN
  [14, 90000], // MPA
  [15, 8000], // G728
  [16, 11025], // DVI4
  [17, 22050], // DVI4
  [18, 8000], // G729
  [19, 8000], // CN (reserved, used by old implementations)
  [25, 90000], // CelB
  [26, 90000], // JPEG
  [28, 90000], // nv
  [31, 90000], // H261
  [32, 90000], // MPV
  [33, 90000], // MP2T
  [34, 90000], // H263
]);

/** Comfort noise (RFC 3389) and its old number: tshark leaves these and the packet after them out of delta statistics. */
export const COMFORT_NOISE_TYPES: ReadonlySet<number> = new Set([13, 19]);

/** What a measured rate is snapped to: narrowband, wideband and fullband audio, video. */
const STANDARD_RATES = [8000, 16000, 48000, 90000];
/**
 * How far a measured rate may stray from a standard one: arrival times drift from the sender's clock over DTX
 * pauses and queue build-up (a real 48 kHz Teams stream measures 41 kHz); ±20 % still keeps the four apart.
 */
const SNAP_TOLERANCE = 0.2;
/** Below this much stream time, timestamps against arrival times say nothing reliable. */
const MINIMUM_SECONDS = 1;

export interface ClockRate {
  rate?: number;
  source: 'static-payload-type' | 'inferred' | 'unknown';
  measured?: number;
}

/**
 * The stream's clock: its static payload type's when every packet has one, otherwise the rate its timestamps
 * advance at over arrival time, when that is within 20 % of a standard rate.
 */
export function streamClock(payloadTypes: Iterable<number>, measured: number | undefined, seconds: number): ClockRate {
  const statics = [...new Set([...payloadTypes].map((pt) => STATIC_CLOCK_RATES.get(pt)))];
  if (statics.length === 1 && statics[0] !== undefined) return { rate: statics[0], source: 'static-payload-type' };
  if (measured === undefined || seconds < MINIMUM_SECONDS || !Number.isFinite(measured)) return { source: 'unknown' };
  const rounded = Math.round(measured);
  const snapped = STANDARD_RATES.find((rate) => Math.abs(measured - rate) <= rate * SNAP_TOLERANCE);
  return snapped ? { rate: snapped, source: 'inferred', measured: rounded } : { source: 'unknown', measured: rounded };
}
