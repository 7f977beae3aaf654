import { rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { locateTshark } from '../../tshark/locate.js';
import { cleanStderr, startTshark } from '../../tshark/process.js';
import { TSHARK_ANALYSIS_OPTIONS } from '../../tshark/run.js';
import { TeamsharkError } from '../../util/errors.js';
import { AnswerRows, CAPTURE_PATH, MOST_ROW_CHARS, type AgentTool, type ToolContext } from './tool.js';

/** The fields an agent may ask for: what a packet list shows and what Teamshark's findings filter on. */
export const PACKET_FIELDS = [
  'frame.number',
  'frame.time_relative',
  'frame.len',
  'frame.protocols',
  '_ws.col.Source',
  '_ws.col.Destination',
  '_ws.col.Protocol',
  '_ws.col.Info',
  'eth.src',
  'eth.dst',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.dsfield.dscp',
  'tcp.stream',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags.str',
  'tcp.len',
  'tcp.analysis.flags',
  'udp.stream',
  'udp.srcport',
  'udp.dstport',
  'udp.length',
  'dns.qry.name',
  'dns.qry.type',
  'dns.a',
  'dns.aaaa',
  'dns.cname',
  'dns.flags.rcode',
  'tls.handshake.type',
  'tls.handshake.extensions_server_name',
  'tls.handshake.version',
  'tls.handshake.ciphersuite',
  'tls.record.version',
  'quic.version',
  'stun.type',
  'stun.att.ipv4',
  'stun.att.port',
  'rtp.ssrc',
  'rtp.seq',
  'rtp.timestamp',
  'rtp.p_type',
  'rtp.marker',
  'rtcp.pt',
  'rtcp.senderssrc',
] as const;

const DEFAULT_FIELDS = [
  'frame.number',
  'frame.time_relative',
  '_ws.col.Source',
  '_ws.col.Destination',
  '_ws.col.Protocol',
  'frame.len',
  '_ws.col.Info',
];
const DEFAULT_ROWS = 50;
/** Rows an answer holds at most: the rest are counted. */
export const MOST_ROWS = 500;
/** A field value longer than this is cut (an Info column can run to kilobytes). */
const LONGEST_VALUE = 300;

export const packetsTool: AgentTool = {
  name: 'packets',
  referenceName: 'teamsharkPackets',
  title: 'Packets that match a display filter',
  description: `tshark's rows for a Wireshark display filter, decoded as Teamshark decodes the capture (its heuristics for RTP in STUN/TURN): the first \`limit\` rows (at most ${MOST_ROWS}, and ${MOST_ROW_CHARS / 1000}k characters; a value is cut at ${LONGEST_VALUE}) and how many more matched. tshark checks the filter first; a filter it rejects is an error with tshark's reason. Fields come from an allow-list (default: number, time, source, destination, protocol, length, info).`,
  inputSchema: {
    type: 'object',
    properties: {
      path: CAPTURE_PATH,
      filter: {
        type: 'string',
        minLength: 1,
        maxLength: 2000,
        description: 'A Wireshark display filter, e.g. "stun && frame.number <= 500".',
      },
      fields: { type: 'array', items: { enum: [...PACKET_FIELDS] }, minItems: 1, maxItems: 16, uniqueItems: true },
      limit: { type: 'integer', minimum: 1, maximum: MOST_ROWS, default: DEFAULT_ROWS },
    },
    required: ['path', 'filter'],
  },
  outputSchema: {
    type: 'object',
    properties: {
      filter: { type: 'string' },
      fields: { type: 'array', items: { type: 'string' } },
      rows: { type: 'array', items: { type: 'array', items: { type: 'string' } } },
      matched: { type: 'integer' },
      leftOut: { type: 'integer' },
    },
    required: ['filter', 'fields', 'rows', 'matched', 'leftOut'],
  },
  async run(input, context) {
    const capture = await context.roots.capture(input.path as string | undefined);
    const filter = input.filter as string;
    const fields = (input.fields as string[] | undefined) ?? DEFAULT_FIELDS;
    const limit = (input.limit as number | undefined) ?? DEFAULT_ROWS;
    const tshark = await locateTshark(context.tsharkPath);
    // Both tshark runs stop when the client cancels the call, or after the server's time limit.
    const signal = AbortSignal.any([context.signal, AbortSignal.timeout(context.timeoutMs)]);
    await checkFilter(tshark.path, filter, signal, context);
    const rows = new AnswerRows<string[]>(limit);
    let matched = 0;
    const run = startTshark(
      tshark,
      capture,
      [
        ...TSHARK_ANALYSIS_OPTIONS,
        '-Y',
        filter,
        '-T',
        'fields',
        '-E',
        'separator=/t',
        '-E',
        'occurrence=a',
        ...fields.flatMap((f) => ['-e', f]),
      ],
      (line) => {
        matched++;
        rows.offer(line.split('\t').map((value) => value.slice(0, LONGEST_VALUE)));
      },
      signal,
    );
    const exit = await run.done;
    if (exit.cancelled) throw stopped(context);
    if (exit.failed)
      throw new TeamsharkError(
        'tshark-failed',
        `tshark failed on ${context.roots.display(capture)}: ${firstLine(exit.stderr)}`,
      );
    return { filter, fields, rows: rows.rows, matched, leftOut: matched - rows.rows.length };
  },
};

/** A pcap file with no packet (the global header, Ethernet): tshark compiles the filter and reads nothing. */
const EMPTY_PCAP = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
let emptyPcap: Promise<string> | undefined;

/** The empty pcap as a file (tshark refuses a pipe from Node as "a special file"), written once per process. */
function emptyPcapFile(): Promise<string> {
  emptyPcap ??= (async () => {
    const folder = await mkdtemp(join(tmpdir(), 'teamshark-filter-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    const file = join(folder, 'empty.pcap');
    await writeFile(file, EMPTY_PCAP);
    return file;
  })();
  return emptyPcap;
}

/** tshark's own verdict on a display filter, before it reads the capture: a rejected filter is the caller's error. */
async function checkFilter(tshark: string, filter: string, signal: AbortSignal, context: ToolContext): Promise<void> {
  const result = await execa(tshark, ['-r', await emptyPcapFile(), '-Y', filter], {
    reject: false,
    stdin: 'ignore',
    cancelSignal: signal,
    forceKillAfterDelay: 2000,
  });
  if (signal.aborted) throw stopped(context);
  if (result.exitCode !== 0)
    throw new TeamsharkError(
      'invalid-filter',
      `tshark rejects the display filter "${filter}": ${firstLine(cleanStderr(String(result.stderr)))}`,
    );
}

/** Why a tshark run of this call was stopped: the client cancelled it, or it ran out of time. */
function stopped(context: ToolContext): TeamsharkError {
  return context.signal.aborted
    ? new TeamsharkError('cancelled', 'the call was cancelled')
    : new TeamsharkError('timeout', `tshark took longer than ${context.timeoutMs / 1000} s`);
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim()) ?? 'no message').trim().replace(/^tshark: /, '');
}
