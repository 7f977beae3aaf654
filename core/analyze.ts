import { stat, access, constants } from 'node:fs/promises';
import { TeamsharkError } from './util/errors.js';
import { classifyActivity, type ActivityInputs } from './classify/activity.js';
import { classify, withServices } from './classify/index.js';
import { findingsOf } from './findings/rules.js';
import { summarize } from './summaries/index.js';
import { NameIndex } from './summaries/names.js';
import type { ChunkingOptions } from './tshark/chunking/plan.js';
import { collectorList, finishCollectors, makeCollectors } from './collectors.js';
import { FrameCollector, captureTimes } from './model/frames.js';
import { relativeTime, type Collector } from './model/collector.js';
import { rtpModel } from './model/rtp.js';
import {
  capList,
  DNS_TRANSACTIONS_FILTER,
  MALFORMED_PACKETS_FILTER,
  RTCP_REPORTS_FILTER,
  SSDP_MESSAGES_FILTER,
  STUN_MESSAGES_FILTER,
  withCappedGaps,
} from './model/capped-list.js';
import type { CaptureModel } from './model/capture-model.js';
import { analyseCallQuality } from './quality/index.js';
import { confirmPseudoTls, tcpRelayMediaFlows } from './model/pseudo-tls.js';
import { withRelayTcpMedia } from './quality/relay-tcp.js';
import type { Report, Warning } from './schema/generated/report.js';
import { locateTshark, type TsharkInfo } from './tshark/locate.js';
import { indexCapture, RecordReader, type CaptureIndex } from './records/capture-index.js';
import { runTsharkPass } from './tshark/run.js';
import { perStack, type PacketRecord } from './tshark/record.js';
import { FastPathMerge, FastPathMiss, planFastPath, type FastPathPlan } from './media/fast-path.js';
import { RecordPayloads } from './media/record-payloads.js';
import { startRelaySearch } from './tshark/tcp-stun.js';
import { isPcapFamily } from './tshark/capture-format.js';
import { TimeLimits } from './util/time-limits.js';
import { loadValueNames } from './tshark/value-names.js';
import { TOOL_VERSION, REPORT_SCHEMA_VERSION } from './util/version.js';
import { withDecryptedConfidence } from './classify/decrypted-activity.js';
import { checkKeylog, decryptionSection, keylogTsharkOptions } from './wireshark/keylog.js';

export interface AnalyzeOptions {
  /** tshark to run; default: TEAMSHARK_TSHARK, then PATH. */
  tsharkPath?: string;
  /** Extra tshark options, e.g. decode-as rules: ['-d', 'udp.port==50000,rtp']. */
  tsharkOptions?: readonly string[];
  /** Splitting a large capture across several tsharks; the defaults are in core/tshark/chunking/plan.ts. */
  chunking?: ChunkingOptions;
  signal?: AbortSignal;
  /** Length of the activity timeline's windows in seconds; by default it adapts to the capture. */
  activityWindowSec?: number;
  /** Called as packets are read, at most every PROGRESS_INTERVAL_MS, and once with them all when tshark's pass ends. */
  onProgress?: (packetsRead: number) => void;
  /** Called once, before the first packet, with the packets the capture holds (its record index), or undefined when it cannot be indexed. */
  onTotal?: (packets: number | undefined) => void;
  /** Stops tshark and fails with a one-line error when the run takes longer than this. */
  timeoutMs?: number;
  /** A TLS key log: tshark decrypts with it and the report gains its decryption section (core/wireshark/keylog.ts). */
  keylog?: string;
  /**
   * false: every packet goes through tshark. By default a call's RTP packets are read from the capture's records
   * instead, where tshark is shown to read them alike (core/media/fast-path.ts); the report is the same.
   */
  mediaFastPath?: boolean;
}

/** Encapsulations wiretap uses to open files that are not network captures (media, logs, documents). */
const NON_NETWORK_ENCAPSULATIONS = new Set([
  'MIME',
  'JPEG/JFIF',
  'MP4 files',
  'Ruby marshal object',
  'RFC 7468 file',
  'systemd journal',
]);

/** Packets read are reported this often at most: a small capture's count moves too, a large one's costs nothing. */
const PROGRESS_INTERVAL_MS = 250;

/** A pipe (a FIFO, `<(zcat …)`) that gives no packet for this long is taken to have no writer: tshark would wait forever. */
const PIPE_WAIT_MS = 10_000;

/**
 * Analyses one capture file as a chain of stages, each reading only what the earlier ones produced: the
 * capture model (one tshark pass, or one per chunk, through the collectors), what the capture calls each
 * address, the classification (a service per flow, address roles, NAT, media), summaries of the classified
 * model, the activity, the call quality, then the findings. Their outputs are assembled into the report once,
 * at the end.
 */
export async function analyzeCapture(capture: string, options: AnalyzeOptions = {}): Promise<Report> {
  return (await analyzeCaptureModel(capture, options)).report;
}

/**
 * The stages between the capture model and the findings, which read nothing but the model: what the capture
 * calls each address, the classification, the flows with their services, the summaries and the activity.
 */
export function classifyModel(model: CaptureModel, options: Pick<AnalyzeOptions, 'activityWindowSec'> = {}) {
  const names = new NameIndex(model.dns, model.tls);
  const classification = classify(model, names);
  const flows = withServices(model.flows, classification.services);
  const summaries = summarize({ ...model, flows, names });
  const activityInputs: ActivityInputs = {
    durationSec: model.capture.durationSec,
    flows,
    media: classification.media,
    streams: model.rtp.streams,
    stun: model.stun,
    payload: model.payload,
    tcpRelayMedia: tcpRelayMediaFlows(model.tls, flows),
    windowSeconds: options.activityWindowSec,
    ...(model.decrypted ? { decryptedRequests: model.decrypted.requests } : {}),
  };
  return { classification, flows, summaries, activityInputs, activity: classifyActivity(activityInputs) };
}

/** The report and what the activity classifier read to write its part (to re-run it, as the threshold fit does). */
export async function analyzeCaptureModel(
  capture: string,
  options: AnalyzeOptions = {},
): Promise<{ report: Report; activityInputs: ActivityInputs }> {
  const model = await readCapture(capture, options);
  const { classification, flows, summaries, activityInputs, activity } = classifyModel(model, options);
  const application = model.decrypted ? withDecryptedConfidence(activity.application) : activity.application;
  const quality = analyseCallQuality({
    packets: model.qualityPackets,
    captureStart: model.timeOrigin,
    durationSec: model.capture.durationSec,
    media: classification.media,
    rtcp: model.rtp.rtcp,
    stun: model.stun,
    addresses: classification.addresses,
    relays: classification.nat.relays,
  });
  const findings = findingsOf({ model, summaries, classification, flows, activity, quality });
  const transactions = capList(model.dns, (t) => t.queryFrame ?? t.responseFrame!, DNS_TRANSACTIONS_FILTER);
  const messages = capList(model.stun, (m) => m.frame, STUN_MESSAGES_FILTER);
  const rtcpReports = capList(model.rtp.rtcp, (r) => r.frame, RTCP_REPORTS_FILTER);
  const ssdp = capList(model.ssdp, (m) => m.frame, SSDP_MESSAGES_FILTER);
  const malformed = capList(model.capture.malformedPackets ?? [], (frame) => frame, MALFORMED_PACKETS_FILTER);
  // Key order is the JSON report's order, which stays byte-for-byte stable (`npm run compare-reports`).
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'teamshark', version: TOOL_VERSION },
    capture: malformed.leftOut
      ? { ...model.capture, malformedPackets: malformed.listed, malformedPacketsLeftOut: malformed.leftOut }
      : model.capture,
    protocols: model.protocols,
    flows,
    addresses: classification.addresses,
    dns: {
      transactions: transactions.listed,
      ...(transactions.leftOut && { transactionsLeftOut: transactions.leftOut }),
      names: summaries.dnsNames,
    },
    tls: {
      handshakes: model.tls,
      cipherSuites: summaries.cipherSuites,
      clientFingerprints: summaries.clientFingerprints,
      servers: summaries.tlsServers,
    },
    stun: {
      messages: messages.listed,
      ...(messages.leftOut && { messagesLeftOut: messages.leftOut }),
      summary: classification.nat,
    },
    rtp: {
      streams: model.rtp.streams,
      rtcp: rtcpReports.listed,
      ...(rtcpReports.leftOut && { rtcpLeftOut: rtcpReports.leftOut }),
    },
    transport: {
      ipVersions: summaries.ipVersions,
      parallelConnections: summaries.parallelConnections,
      tcpHealth: summaries.tcpHealth,
    },
    timeline: model.timeline,
    media: classification.media,
    application,
    quic: { connections: model.quic },
    ssdp: { messages: ssdp.listed, ...(ssdp.leftOut && { messagesLeftOut: ssdp.leftOut }) },
    findings,
    warnings: model.warnings,
  };
  if (classification.call) report.call = classification.call;
  if (quality) report.quality = { ...quality, streams: quality.streams.map(withCappedGaps) };
  if (model.decrypted) report.decryption = decryptionSection(options.keylog!, model.decrypted);
  return { report, activityInputs };
}

/**
 * The first stage: tshark reads the capture once — all of it, or all but the media packets the fast path reads
 * from the records (core/media/fast-path.ts) — every collector sees every packet, then yields its part of the model.
 * Where the capture's records can be read, the datagrams' bytes come from them (core/media/record-payloads.ts). When
 * the records turn out not to give what tshark reads, the capture is read again whole, all of it from tshark.
 */
async function readCapture(capture: string, options: AnalyzeOptions): Promise<CaptureModel> {
  const file = await checkReadableFile(capture);
  const tshark: TsharkInfo = await locateTshark(options.tsharkPath);
  if (options.keylog) await checkKeylog(options.keylog);
  // The scan's record index serves the pass too, fast path or not.
  const { index, plan }: { index?: CaptureIndex; plan?: FastPathPlan } =
    options.mediaFastPath === false || file.pipe ? {} : await planFastPath(capture).catch(() => ({}));
  if (index && RecordPayloads.readable(index)) {
    try {
      return await readCaptureThrough(capture, options, file, tshark, { index, plan, fromRecords: true });
    } catch (error) {
      if (!(error instanceof FastPathMiss)) throw error;
    }
  }
  return readCaptureThrough(capture, options, file, tshark, { index });
}

/** How the pass reads: its record index, if any; the fast path's plan; and whether the records give the datagrams' bytes. */
interface PassSource {
  index?: CaptureIndex;
  plan?: FastPathPlan;
  fromRecords?: boolean;
}

async function readCaptureThrough(
  capture: string,
  options: AnalyzeOptions,
  file: { bytes: number; pipe: boolean },
  tshark: TsharkInfo,
  { index, plan, fromRecords }: PassSource,
): Promise<CaptureModel> {
  // Closed with the pass: the records are read while tshark's come in.
  const reader = fromRecords && index ? new RecordReader(capture, index) : undefined;
  // The frames give the others their time origin; the registered collectors make the rest of the model.
  const frames = new FrameCollector();
  const modelCollectors = makeCollectors({
    keylog: options.keylog,
    payloads: reader && index && new RecordPayloads(reader, index),
  });
  const collectors: Collector<unknown>[] = [frames, ...collectorList(modelCollectors)];

  const warnings: Warning[] = [];
  const warn = (warning: Warning) => warnings.push(warning);
  const fields = [...new Set(collectors.flatMap((c) => c.fields))];
  const namesPromise = loadValueNames(tshark, [...new Set(collectors.flatMap((c) => c.namedFields ?? []))]);
  namesPromise.catch(() => undefined); // awaited below; keeps a failure from surfacing as unhandled meanwhile
  const limits = new TimeLimits(options.signal);
  if (options.timeoutMs) {
    const limit = options.timeoutMs;
    limits.start(
      'timeout',
      limit,
      () =>
        new TeamsharkError(
          'timeout',
          `${capture}: the analysis did not finish within ${limit / 1000} s: tshark was stopped`,
        ),
    );
  }
  if (file.pipe)
    limits.start(
      'pipe',
      PIPE_WAIT_MS,
      () =>
        new TeamsharkError(
          'pipe-timeout',
          `${capture}: no packet came through the pipe in ${PIPE_WAIT_MS / 1000} s: is anything writing to it?`,
        ),
    );
  let run;
  let progressAt = Date.now();
  // Each distinct protocol stack's collectors, found once: a call's RTP needs 6 of the 14.
  const collectorsOf = perStack((stack) =>
    collectors.filter((collector) => !collector.protocols || collector.protocols.some((p) => stack.includes(p))),
  );
  const collect = (packet: PacketRecord) => {
    limits.stop('pipe');
    for (const collector of collectorsOf(packet.protocols)) collector.add(packet);
    if (options.onProgress && Date.now() - progressAt >= PROGRESS_INTERVAL_MS) {
      progressAt = Date.now();
      options.onProgress(packet.frame);
    }
  };
  const merge = plan && reader && new FastPathMerge(reader, plan, collect);
  try {
    run = await runTsharkPass({
      tshark,
      capture,
      fields,
      extraOptions: [...(options.tsharkOptions ?? []), ...(options.keylog ? keylogTsharkOptions(options.keylog) : [])],
      // Decryption needs each session's handshake: one tshark reads the capture whole.
      chunking: options.keylog ? { ...options.chunking, chunkPackets: 0 } : options.chunking,
      signal: limits.signal,
      warn,
      onTotal: options.onTotal,
      index,
      frames: plan?.tsharkFrames,
      onPacket: merge ? (packet) => merge.add(packet) : collect,
    });
    merge?.finish();
  } catch (error) {
    throw limits.fired ?? error;
  } finally {
    limits.dispose();
    reader?.close();
  }
  const names = await namesPromise;

  const frameSummary = frames.finish({ start: 0, names, warn });
  options.onProgress?.(frameSummary.packets);
  // Before the others finish: a file that is not a capture fails at once, and without IP they have nothing to warn of.
  if (frameSummary.packets > 0 && frameSummary.ipPackets === 0) {
    const media = frameSummary.linkTypes.find((t) => NON_NETWORK_ENCAPSULATIONS.has(t));
    if (media)
      throw new TeamsharkError(
        'not-a-network-capture',
        `${capture}: not a network capture (tshark reads it as "${media}")`,
      );
    // A pcap or pcapng without IP is a real capture of other traffic (USB, Bluetooth): it gets a warning. Any
    // other format without IP is a file wiretap's heuristics happened to open (a text file as IxVeriWave).
    if (!file.pipe && !(await isPcapFamily(capture)))
      throw new TeamsharkError(
        'not-a-network-capture',
        `${capture}: not a network capture: tshark reads it as "${frameSummary.linkTypes.join(', ')}" and finds no IP packet in it`,
      );
    warn({
      code: 'no-ip-packets',
      message: 'the capture holds no IPv4 or IPv6 packet: there is no Internet traffic to analyse',
    });
  }
  if (frameSummary.packets === 0) warn({ code: 'no-packets', message: 'the capture holds no packets' });

  const context = { start: frameSummary.firstTime ?? 0, names, warn };
  // TLS whose hello is shaped like a relay's pseudo-TLS (a superset of the handshakes finishing marks so): tshark
  // reads those connections again, for the STUN inside and the payload of those that carry a call, in one read
  // that runs while the collectors finish.
  const framesOf = modelCollectors.tls.framesAfterPseudoTlsHello;
  const helloShaped = [...framesOf.keys()];
  const relaySearch = helloShaped.length
    ? startRelaySearch(helloShaped, {
        tshark,
        capture,
        options: run.options,
        rereadable: !file.pipe,
        // Made for the search when the pass made none (it read the capture in one piece).
        index: run.index ?? (file.pipe ? undefined : await indexCapture(capture).catch(() => undefined)),
        framesOf,
        signal: options.signal,
      })
    : undefined;
  relaySearch?.result.catch(() => undefined); // awaited below; a cancel must not surface as unhandled meanwhile
  await relaySearch?.started;
  const { dtls, rtcp, ...parts } = finishCollectors(modelCollectors, context);
  let { qualityPackets } = parts;
  if (relaySearch) {
    const found = await relaySearch.result;
    const dnsNames = new NameIndex(parts.dns, []);
    confirmPseudoTls(parts.tls, found.stun, parts.stun, (ip) => dnsNames.namesOf(ip).map((s) => s.name));
    const mediaFlows = tcpRelayMediaFlows(parts.tls, parts.flows);
    if (mediaFlows.length)
      qualityPackets = withRelayTcpMedia(modelCollectors.qualityPackets, mediaFlows, found.payloads, warn);
  }
  return {
    capture: {
      file: capture,
      fileBytes: file.bytes,
      packets: frameSummary.packets,
      bytes: frameSummary.bytes,
      ...captureTimes(frameSummary),
      linkTypes: frameSummary.linkTypes,
      malformedPackets: frameSummary.malformedPackets,
      tshark: { version: tshark.version, arguments: run.options },
    },
    protocols: frameSummary.protocols,
    ...parts,
    qualityPackets,
    tls: [...parts.tls, ...dtls],
    rtp: rtpModel(qualityPackets.legs, rtcp, context),
    timeOrigin: context.start,
    frameTime: (frame) => {
      const time = frameSummary.timeOf(frame);
      return time === undefined ? undefined : relativeTime(time, context.start);
    },
    warnings,
  };
}

/** Fails early, in the user's words, on what tshark would report less clearly. Returns the file's size and kind. */
async function checkReadableFile(capture: string): Promise<{ bytes: number; pipe: boolean }> {
  let info;
  try {
    info = await stat(capture);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Node decodes command-line arguments as UTF-8: a name in another encoding arrives with U+FFFD in it.
    if (code === 'ENOENT' && capture.includes('\uFFFD'))
      throw new TeamsharkError(
        'capture-not-found',
        `${capture}: capture not found (its name is not UTF-8 and cannot be passed on intact: rename the file)`,
      );
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new TeamsharkError('capture-not-found', `${capture}: capture not found`);
    if (code === 'EACCES')
      throw new TeamsharkError('permission-denied', `${capture}: cannot read the capture (permission denied)`);
    throw new TeamsharkError('capture-unreadable', `${capture}: cannot open the capture (${code ?? 'unknown error'})`);
  }
  if (info.isDirectory()) throw new TeamsharkError('is-a-directory', `${capture}: is a directory, not a capture file`);
  if (!info.isFile() && !info.isFIFO()) throw new TeamsharkError('not-a-file', `${capture}: not a regular file`);
  try {
    await access(capture, constants.R_OK);
  } catch {
    throw new TeamsharkError('permission-denied', `${capture}: cannot read the capture (permission denied)`);
  }
  if (info.isFile() && info.size === 0)
    throw new TeamsharkError('empty-capture', `${capture}: the file is empty (0 bytes), not a capture`);
  return { bytes: info.size, pipe: info.isFIFO() };
}
