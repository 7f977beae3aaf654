import type { Warning } from '../schema/generated/report.js';
import { describeErrors, validateEkRecord } from '../schema/validate.js';
import type { StreamStitcher } from './chunking/stream-stitcher.js';
import { PacketRecord } from './record.js';

/** Frames named in a warning about many records: enough to look at, not a list of thousands. */
const WARNING_FRAME_SAMPLE = 20;

/**
 * Turns the lines of tshark's `-T ek` output into validated packets, in order, across one tshark or the
 * chunks of several. Records that fail the schema and lines that are not JSON are counted for one warning each.
 */
export class PacketReader {
  packets = 0;
  private previousTime = 0;
  private readonly invalid = { count: 0, frames: [] as number[], firstError: '' };
  private readonly unparsable = { count: 0, sample: '' };

  /** With frames, tshark read only those frames of the capture: its frame n is the capture's frames[n - 1]. */
  constructor(
    private readonly onPacket: (packet: PacketRecord) => void,
    private readonly frames?: Uint32Array,
  ) {}

  /** With a stitcher, the line comes from one chunk's tshark: renumbered, and dropped when it is warm-up. */
  read(line: string, stitcher?: StreamStitcher): void {
    if (line.length === 0 || line.startsWith('{"index"')) return;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      this.unparsable.count++;
      this.unparsable.sample ||= line.slice(0, 80);
      return;
    }
    if (!validateEkRecord(record)) {
      const frame = frameNumberOf(record);
      if (stitcher?.isWarmup(frame)) return; // the chunk before counted it
      this.invalid.count++;
      if (this.invalid.frames.length < WARNING_FRAME_SAMPLE && frame > 0)
        this.invalid.frames.push(this.captureFrame(frame));
      this.invalid.firstError ||= describeErrors(validateEkRecord.errors);
      return;
    }
    // Warm-up packets are not handed on, but an untimed packet after them takes their time, as in one pass.
    const owned = !stitcher || stitcher.accept(record.layers);
    if (this.frames) {
      const layers = record.layers;
      layers.frame_number = [String(this.captureFrame(Number(layers.frame_number[0])))];
      if (layers.dns_response_to)
        layers.dns_response_to = layers.dns_response_to.map((query) => String(this.captureFrame(Number(query))));
    }
    const packet = new PacketRecord(record.layers, this.previousTime);
    this.previousTime = packet.time;
    if (!owned) return;
    this.packets++;
    this.onPacket(packet);
  }

  private captureFrame(frame: number): number {
    return this.frames?.[frame - 1] ?? frame;
  }

  reportTo(warn: (warning: Warning) => void): void {
    if (this.invalid.count > 0) {
      warn({
        code: 'invalid-record',
        message: `${this.invalid.count} packet record(s) from tshark did not match the expected shape and were skipped (${this.invalid.firstError})`,
        count: this.invalid.count,
        frames: this.invalid.frames,
      });
    }
    if (this.unparsable.count > 0) {
      warn({
        code: 'unparsable-output',
        message: `${this.unparsable.count} line(s) of tshark output were not JSON and were skipped (first: "${this.unparsable.sample}")`,
        count: this.unparsable.count,
      });
    }
  }
}

function frameNumberOf(record: unknown): number {
  const layers = (record as { layers?: { frame_number?: unknown } } | null)?.layers;
  const value = Array.isArray(layers?.frame_number) ? Number(layers.frame_number[0]) : NaN;
  return Number.isInteger(value) ? value : 0;
}
