import { appendTo } from '../util/collections.js';
import { flowsFilter } from '../util/display-filter.js';
import { AnalysisCancelled } from '../util/errors.js';
import type { CaptureIndex } from '../records/capture-index.js';
import { subsetRanges } from './chunking/frame-subset.js';
import type { TsharkInfo } from './locate.js';
import { startTshark, type TsharkExit } from './process.js';

/**
 * STUN's magic cookie (RFC 8489 §5) at byte 8 of a TCP payload: MS-TURN over TCP frames each message with a
 * 4-byte header (type 0x02 control / 0x03 data, a reserved byte, a 16-bit length; [MS-TURN] §2.2.1), then the
 * STUN header's type and length, then the cookie. tshark has no dissector for that framing (decode-as STUN
 * on the port fails on the 4-byte header, and the TLS dissector calls these records "Ignored Unknown
 * Record"), but its display filter can test the bytes: the findings' filters and the Wireshark profile use this
 * one. The search (startRelaySearch) tests the same bytes of the `tcp.payload` tshark gives it, in the read that
 * also takes the media's payloads; test/pseudo-tls.test.ts holds its frames equal to this filter's.
 */
export const MS_TURN_TCP_COOKIE_FILTER = 'tcp.payload[8:4] == 21:12:a4:42';

/** What tshark found in the TCP connections it was asked about: the frames carrying STUN by flow, or why it could not look. */
export type TcpStun =
  { readonly framesByFlow: ReadonlyMap<string, readonly number[]> } | { readonly unchecked: string };

/** The payload-carrying segments of relay TCP flows, by flow, or why they could not be read. */
export type TcpPayloads = { readonly segmentsByFlow: ReadonlyMap<string, FlowSegment[]> } | { readonly unread: string };

/** What a second read of some TCP flows needs of the analysis' tshark pass. */
export interface TcpFlowsSearch {
  tshark: TsharkInfo;
  capture: string;
  /** The options the pass gave tshark besides its fields: the same dissection. */
  options: readonly string[];
  rereadable: boolean;
  /** The capture's record index (the pass's, or one made for the search), when the capture has one. */
  index?: CaptureIndex;
  /** For each flow to search, its frames with TCP payload (core/model/tls.ts notes them after a pseudo-TLS hello). */
  framesOf: ReadonlyMap<string, readonly number[]>;
  signal?: AbortSignal;
}

/** One TCP segment of one direction, as tshark gives it: its frame, time, relative sequence number and payload. */
export interface TcpSegment {
  readonly frame: number;
  /** Epoch seconds. */
  readonly time: number;
  readonly sequence: number;
  readonly payload: Uint8Array;
  /** The segment's DSCP, when its IP header gave one. */
  readonly dscp?: number;
}

/** One segment of a flow: its sender, and what the media reader needs of it (core/media/tcp-stream.ts). */
export interface FlowSegment extends TcpSegment {
  /** "ip:port" of the sender. */
  readonly sender: string;
}

const PAYLOAD_FIELDS = [
  'frame.time_epoch',
  'ip.src',
  'ipv6.src',
  'tcp.srcport',
  'tcp.seq_raw',
  'tcp.payload',
  'ip.dsfield.dscp',
  'ipv6.tclass.dscp',
];

/** MS_TURN_TCP_COOKIE_FILTER's test on tshark's `tcp.payload` values (hex, one per TCP layer): true where any passes. */
function carriesTurnCookie(payloads: string): boolean {
  return payloads.split(',').some((hex) => hex.slice(16, 24) === TURN_COOKIE_HEX);
}
const TURN_COOKIE_HEX = '2112a442';

/** What the relay search finds: see startRelaySearch. */
export interface RelaySearchResult {
  stun: TcpStun;
  payloads: TcpPayloads;
}

/**
 * Starts one second read of the relay-shaped TCP flows, by tshark: which of their frames carry a STUN message in
 * MS-TURN's framing (the payload's bytes 8–11 are the magic cookie: what MS_TURN_TCP_COOKIE_FILTER tests, on the
 * `tcp.payload` tshark gives), and their payload-carrying segments, for the media reader of those that carry a
 * call. Sequence numbers are the raw ones, made relative to each sender's first segment here, so that a read of
 * a subset of the capture numbers them as a read of the whole would. A capture that cannot be read twice (a FIFO)
 * is not searched. `started` resolves once tshark runs, `result` once it is read.
 */
export function startRelaySearch(
  flowIds: readonly string[],
  search: TcpFlowsSearch,
): { started: Promise<void>; result: Promise<RelaySearchResult> } {
  if (!search.rereadable)
    return {
      started: Promise.resolve(),
      result: Promise.resolve({
        stun: { unchecked: 'the STUN inside was not checked (the capture was read from a pipe)' },
        payloads: { unread: 'the capture was read from a pipe and cannot be read again' },
      }),
    };
  const framesByFlow = new Map<string, number[]>();
  const segmentsByFlow = new Map<string, FlowSegment[]>();
  /** Each direction's first raw sequence number, by flow and sender (a relay's endpoint serves several flows). */
  const firstSequence = new Map<string, number>();
  const read = readFlowFrames(flowIds, search, PAYLOAD_FIELDS, ({ frame, flowId, columns }) => {
    const [time, ip4, ip6, port, sequence, payload, dscp4, dscp6] = columns;
    if (!payload) return;
    if (carriesTurnCookie(payload)) appendTo(framesByFlow, flowId, [frame]);
    const sender = `${lastOf(ip4) || lastOf(ip6)}:${lastOf(port)}`;
    const direction = `${flowId}/${sender}`;
    const raw = Number(lastOf(sequence));
    const base = firstSequence.get(direction) ?? raw;
    firstSequence.set(direction, base);
    const dscp = firstOf(dscp4) || firstOf(dscp6);
    appendTo(segmentsByFlow, flowId, [
      {
        frame,
        time: Number(time),
        sender,
        sequence: (raw - base) | 0, // signed 32-bit: a segment overtaken by the first comes before it
        payload: Buffer.from(lastOf(payload), 'hex'),
        ...(dscp ? { dscp: Number(dscp) } : {}),
      },
    ]);
  });
  const result = read.done.then((exit): RelaySearchResult => {
    if (exit.exitCode !== 0 || exit.failed) {
      const why = exit.stderr.split('\n')[0] ?? 'failed';
      return {
        stun: { unchecked: `the STUN inside could not be checked (tshark: ${why})` },
        payloads: { unread: `tshark could not read them again (${why})` },
      };
    }
    return { stun: { framesByFlow }, payloads: { segmentsByFlow } };
  });
  return { started: read.started, result };
}

/** One frame tshark printed for a flow: its number in the capture and the fields asked for, in order. */
interface FlowFrameRow {
  frame: number;
  flowId: string;
  columns: string[];
}

/**
 * tshark reads only the flows' frames, cut out of the capture through its record index: a call relayed over TCP
 * is a few thousand frames of a capture that can hold a million. What is read of each segment is its own (its
 * payload, the cookie in it), which the frames around it do not change. A capture the record index does not cut
 * (compressed, several pcapng sections) is read whole, filtered to the flows' streams. `done` rejects with
 * AnalysisCancelled when the search is cancelled.
 */
function readFlowFrames(
  flowIds: readonly string[],
  search: TcpFlowsSearch,
  fieldNames: readonly string[],
  onRow: (row: FlowFrameRow) => void,
): { started: Promise<void>; done: Promise<TsharkExit> } {
  const { index } = search;
  const fields = fieldNames.flatMap((field) => ['-e', field]);
  let running;
  if (index) {
    const { frames, flows } = mergeFrames(flowIds, search.framesOf);
    const input = { file: search.capture, ranges: subsetRanges(index, frames) };
    const args = [...search.options, '-T', 'fields', '-e', 'frame.number', ...fields];
    running = startTshark(
      search.tshark,
      input,
      args,
      (line) => {
        const [number, ...columns] = line.split('\t');
        const position = Number(number) - 1; // frame n of the subset is the n-th frame given
        if (frames[position] !== undefined) onRow({ frame: frames[position]!, flowId: flows[position]!, columns });
      },
      search.signal,
    );
  } else {
    const args = [
      ...search.options,
      ...['-Y', flowsFilter(flowIds), '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream', ...fields],
    ];
    running = startTshark(
      search.tshark,
      search.capture,
      args,
      (line) => {
        const [frame, stream, ...columns] = line.split('\t');
        if (frame && stream) onRow({ frame: Number(frame), flowId: `tcp:${lastOf(stream)}`, columns });
      },
      search.signal,
    );
  }
  const done = running.done.then((exit) => {
    if (search.signal?.aborted || exit.cancelled) throw new AnalysisCancelled();
    return exit;
  });
  return { started: running.started, done };
}

/** A field's innermost value (tshark joins a tunnel's layers with commas). */
function lastOf(value: string | undefined): string {
  return value?.split(',').at(-1) ?? '';
}

/** A field's outermost value: the IP header the networks on the way act on. */
function firstOf(value: string | undefined): string {
  return value?.split(',')[0] ?? '';
}

/** The flows' frames in one ascending list, with the flow of each beside it (each flow's list is ascending: a merge). */
function mergeFrames(
  flowIds: readonly string[],
  framesOf: ReadonlyMap<string, readonly number[]>,
): { frames: number[]; flows: string[] } {
  const lists = flowIds.map((flowId) => ({ flowId, frames: framesOf.get(flowId) ?? [], next: 0 }));
  const frames: number[] = [];
  const flows: string[] = [];
  for (;;) {
    let lowest: (typeof lists)[number] | undefined;
    for (const list of lists)
      if (list.next < list.frames.length && (!lowest || list.frames[list.next]! < lowest.frames[lowest.next]!))
        lowest = list;
    if (!lowest) return { frames, flows };
    frames.push(lowest.frames[lowest.next++]!);
    flows.push(lowest.flowId);
  }
}
