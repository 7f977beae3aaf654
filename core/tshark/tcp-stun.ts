import { appendTo } from '../util/collections.js';
import { flowsFilter } from '../util/display-filter.js';
import { AnalysisCancelled } from '../util/errors.js';
import { indexCapture, type CaptureIndex } from './chunking/capture-index.js';
import { readRanges, subsetRanges } from './chunking/frame-subset.js';
import type { TsharkInfo } from './locate.js';
import { startTshark, type TsharkExit } from './process.js';

/**
 * STUN's magic cookie (RFC 8489 §5) at byte 8 of a TCP payload: MS-TURN over TCP frames each message with a
 * 4-byte header (type 0x02 control / 0x03 data, a reserved byte, a 16-bit length; [MS-TURN] §2.2.1), then the
 * STUN header's type and length, then the cookie. tshark has no dissector for that framing (decode-as STUN
 * on the port fails on the 4-byte header, and the TLS dissector calls these records "Ignored Unknown
 * Record"), but its display filter can test the bytes, so tshark, not Teamshark, reads them.
 */
export const MS_TURN_TCP_COOKIE_FILTER = 'tcp.payload[8:4] == 21:12:a4:42';

/** What tshark found in the TCP connections it was asked about: the frames carrying STUN by flow, or why it could not look. */
export type TcpStun =
  { readonly framesByFlow: ReadonlyMap<string, readonly number[]> } | { readonly unchecked: string };

/** What findTcpStun needs of the analysis' tshark pass. */
export interface TcpStunSearch {
  tshark: TsharkInfo;
  capture: string;
  /** The options the pass gave tshark besides its fields: the same dissection. */
  options: readonly string[];
  rereadable: boolean;
  /** The pass's record index of the capture, when it made one. */
  index?: CaptureIndex;
  /** For each flow to search, its frames with TCP payload (core/model/tls.ts notes them after a pseudo-TLS hello). */
  framesOf: ReadonlyMap<string, readonly number[]>;
  signal?: AbortSignal;
}

/**
 * Asks tshark which frames of the TCP flows carry a STUN message in MS-TURN's framing: a second read, of only
 * those flows' frames when the capture has a record index. A capture that cannot be read twice (a FIFO) is not
 * searched.
 */
export async function findTcpStun(flowIds: readonly string[], search: TcpStunSearch): Promise<TcpStun> {
  if (!search.rereadable) return { unchecked: 'the STUN inside was not checked (the capture was read from a pipe)' };
  const index = search.index ?? (await indexCapture(search.capture).catch(() => undefined));
  const found = index ? await stunFramesInSubset(flowIds, search, index) : await stunFramesInCapture(flowIds, search);
  if (search.signal?.aborted || found.exit.cancelled) throw new AnalysisCancelled();
  if (found.exit.exitCode !== 0 || found.exit.failed)
    return {
      unchecked: `the STUN inside could not be checked (tshark: ${found.exit.stderr.split('\n')[0] ?? 'failed'})`,
    };
  const framesByFlow = new Map<string, number[]>();
  for (const { frame, flowId } of found.matches) appendTo(framesByFlow, flowId, [frame]);
  return { framesByFlow };
}

interface StunFramesFound {
  exit: TsharkExit;
  /** The frames that carry STUN, ascending. */
  matches: { frame: number; flowId: string }[];
}

/**
 * tshark reads only the flows' frames, cut out of the capture through its record index: a call relayed over TCP
 * is a few thousand frames of a capture that can hold a million. The cookie test reads each segment's own
 * payload, which the frames around it do not change.
 */
async function stunFramesInSubset(
  flowIds: readonly string[],
  search: TcpStunSearch,
  index: CaptureIndex,
): Promise<StunFramesFound> {
  const { frames, flows } = mergeFrames(flowIds, search.framesOf);
  const matches: StunFramesFound['matches'] = [];
  const input = readRanges(search.capture, subsetRanges(index, frames));
  const args = [...search.options, '-Y', MS_TURN_TCP_COOKIE_FILTER, '-T', 'fields', '-e', 'frame.number'];
  const exit = await startTshark(
    search.tshark,
    input,
    args,
    (line) => {
      const position = Number(line) - 1; // frame n of the subset is the n-th frame given
      if (frames[position] !== undefined) matches.push({ frame: frames[position]!, flowId: flows[position]! });
    },
    search.signal,
  ).done;
  return { exit, matches };
}

/** A capture the record index does not cut (compressed, several pcapng sections): tshark reads it whole, filtered to the flows' streams. */
async function stunFramesInCapture(flowIds: readonly string[], search: TcpStunSearch): Promise<StunFramesFound> {
  const matches: StunFramesFound['matches'] = [];
  const filter = `(${flowsFilter(flowIds)}) && ${MS_TURN_TCP_COOKIE_FILTER}`;
  const args = [...search.options, '-Y', filter, '-T', 'fields', '-e', 'frame.number', '-e', 'tcp.stream'];
  const exit = await startTshark(
    search.tshark,
    search.capture,
    args,
    (line) => {
      const [frame, stream] = line.split('\t');
      if (frame && stream) matches.push({ frame: Number(frame), flowId: `tcp:${stream}` });
    },
    search.signal,
  ).done;
  return { exit, matches };
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
