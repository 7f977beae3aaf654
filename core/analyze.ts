import { stat, access, constants } from 'node:fs/promises';
import { TeamsharkError } from './errors.js';
import { classifyActivity } from './classify/activity.js';
import { classify } from './classify/index.js';
import { relayFrames } from './classify/nat.js';
import { activityFindings, classificationFindings } from './classify/findings.js';
import { buildFindings } from './findings/build.js';
import { dnsSecurityFindings } from './findings/dns-security.js';
import { withSafeIds } from './findings/ids.js';
import { dnsVolumeFindings } from './findings/dns-volume.js';
import { plaintextFindings } from './findings/plaintext.js';
import { parallelConnectionFindings } from './findings/transport.js';
import { pseudoTlsRelayFindings, tlsSecurityFindings } from './findings/tls-security.js';
import { cipherSuitesSeen } from './sections/cipher-suites-seen.js';
import { summarizeDnsNames } from './sections/dns-names.js';
import { clientFingerprints, tlsServers } from './sections/tls-summary.js';
import { ipVersions, parallelConnections } from './sections/transport.js';
import type { ChunkingOptions } from './chunking/plan.js';
import type { Collector } from './model/collector.js';
import { DnsCollector } from './model/dns.js';
import { FlowCollector } from './model/flows.js';
import { FrameCollector, captureTimes } from './model/frames.js';
import { QuicCollector } from './model/quic.js';
import { RtpCollector } from './model/rtp.js';
import { SsdpCollector } from './model/ssdp.js';
import { StunCollector } from './model/stun.js';
import { TimelineCollector } from './model/timeline.js';
import { TlsCollector } from './model/tls.js';
import { confirmPseudoTls } from './model/pseudo-tls.js';
import type { Report, Warning } from './schema/generated/report.js';
import { locateTshark, type TsharkInfo } from './tshark/locate.js';
import { runTsharkPass } from './tshark/run.js';
import { TimeLimits } from './time-limits.js';
import { loadValueNames } from './tshark/value-names.js';
import { TOOL_VERSION, REPORT_SCHEMA_VERSION } from './version.js';

export interface AnalyzeOptions {
  /** tshark to run; default: TEAMSHARK_TSHARK, then PATH. */
  tsharkPath?: string;
  /** Extra tshark options, e.g. decode-as rules: ['-d', 'udp.port==50000,rtp']. */
  tsharkOptions?: readonly string[];
  /** Splitting a large capture across several tsharks; the defaults are in core/chunking/plan.ts. */
  chunking?: ChunkingOptions;
  signal?: AbortSignal;
  /** Length of the activity timeline's windows in seconds; by default it adapts to the capture. */
  activityWindowSec?: number;
  /** Called as packets are read, at most every few thousand packets. */
  onProgress?: (packetsRead: number) => void;
  /** Stops tshark and fails with a one-line error when the run takes longer than this. */
  timeoutMs?: number;
}

/** Encapsulations wiretap uses to open files that are not network captures (media, logs, documents). */
const NON_NETWORK_ENCAPSULATIONS = new Set(['MIME', 'JPEG/JFIF', 'MP4 files', 'Ruby marshal object', 'RFC 7468 file', 'systemd journal']);

const PROGRESS_EVERY = 5000;

/** A pipe (a FIFO, `<(zcat …)`) that gives no packet for this long is taken to have no writer: tshark would wait forever. */
const PIPE_WAIT_MS = 10_000;

/** Analyses one capture file: one tshark pass (or one per chunk), the capture model, findings, warnings. */
export async function analyzeCapture(capture: string, options: AnalyzeOptions = {}): Promise<Report> {
  const file = await checkReadableFile(capture);
  const tshark: TsharkInfo = await locateTshark(options.tsharkPath);

  const frames = new FrameCollector();
  const flows = new FlowCollector();
  const dns = new DnsCollector();
  const tls = new TlsCollector('tls');
  const dtls = new TlsCollector('dtls');
  const stun = new StunCollector();
  const rtp = new RtpCollector();
  const quic = new QuicCollector();
  const ssdp = new SsdpCollector();
  const timeline = new TimelineCollector();
  const collectors: Collector<unknown>[] = [frames, flows, dns, tls, dtls, stun, rtp, quic, ssdp, timeline];

  const warnings: Warning[] = [];
  const warn = (warning: Warning) => warnings.push(warning);
  const fields = [...new Set(collectors.flatMap((c) => c.fields))];
  const namesPromise = loadValueNames(tshark, [...new Set(collectors.flatMap((c) => c.namedFields ?? []))]);
  namesPromise.catch(() => undefined); // awaited below; keeps a failure from surfacing as unhandled meanwhile
  const limits = new TimeLimits(options.signal);
  if (options.timeoutMs) {
    const limit = options.timeoutMs;
    limits.start('timeout', limit, () => new TeamsharkError(`${capture}: the analysis did not finish within ${limit / 1000} s: tshark was stopped`));
  }
  if (file.pipe) limits.start('pipe', PIPE_WAIT_MS, () => new TeamsharkError(`${capture}: no packet came through the pipe in ${PIPE_WAIT_MS / 1000} s: is anything writing to it?`));
  let run;
  try {
    run = await runTsharkPass({
      tshark,
      capture,
      fields,
      extraOptions: options.tsharkOptions,
      chunking: options.chunking,
      signal: limits.signal,
      warn,
      onPacket(packet) {
        limits.stop('pipe');
        for (const collector of collectors) collector.add(packet);
        if (options.onProgress && packet.frame % PROGRESS_EVERY === 0) options.onProgress(packet.frame);
      },
    });
  } catch (error) {
    throw limits.fired ?? error;
  } finally {
    limits.dispose();
  }
  const names = await namesPromise;

  const frameSummary = frames.finish({ start: 0, names, warn });
  const context = { start: frameSummary.firstTime ?? 0, names, warn };
  const tlsHandshakes = tls.finish(context);
  const stunMessages = stun.finish(context);
  const turnServers = new Set(relayFrames(stunMessages).keys());
  await confirmPseudoTls(tlsHandshakes, { tshark, capture, options: run.options, rereadable: !file.pipe, signal: options.signal }, turnServers);
  if (frameSummary.packets > 0 && frameSummary.ipPackets === 0) {
    const media = frameSummary.linkTypes.find((t) => NON_NETWORK_ENCAPSULATIONS.has(t));
    if (media) throw new TeamsharkError(`${capture}: not a network capture (tshark reads it as "${media}")`);
    warn({ code: 'no-ip-packets', message: 'the capture holds no IPv4 or IPv6 packet: there is no Internet traffic to analyse' });
  }
  if (frameSummary.packets === 0) warn({ code: 'no-packets', message: 'the capture holds no packets' });

  const rtpModel = rtp.finish(context);
  const report: Report = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: 'teamshark', version: TOOL_VERSION },
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
    flows: flows.finish(context),
    addresses: [],
    dns: { transactions: dns.finish(context), names: [] },
    tls: { handshakes: [...tlsHandshakes, ...dtls.finish(context)], cipherSuites: [], clientFingerprints: [], servers: [] },
    stun: { messages: stunMessages, summary: { behindNat: false, publicAddresses: [], relays: [], malformedMessages: 0 } },
    rtp: rtpModel,
    transport: { ipVersions: ipVersions(frameSummary), parallelConnections: [] },
    timeline: timeline.finish(context),
    media: [],
    application: { dominantActivity: 'unknown', confidence: 'low', reason: '', activities: [], windowSeconds: 5, timeline: [], phases: [] },
    quic: { connections: quic.finish() },
    ssdp: { messages: ssdp.finish(context) },
    findings: [],
    warnings,
  };
  const classification = classify({
    capture: report.capture,
    flows: report.flows,
    dns: report.dns.transactions,
    tls: report.tls.handshakes,
    stun: report.stun.messages,
    rtp: rtpModel,
  });
  report.addresses = classification.addresses;
  report.dns.names = summarizeDnsNames(report.dns.transactions);
  // The relays' pseudo-TLS is MS-TURN, not TLS: its "TLS 1.0 / DH_anon_RC4" belongs in no TLS statistic.
  const realTls = report.tls.handshakes.filter((h) => !h.pseudoTls);
  report.tls.clientFingerprints = clientFingerprints(realTls);
  report.tls.servers = tlsServers(realTls);
  report.tls.cipherSuites = cipherSuitesSeen(realTls);
  report.transport.parallelConnections = parallelConnections(report.flows, classification.names, report.tls.handshakes);
  report.stun.summary = classification.nat;
  report.media = classification.media;
  if (classification.call) report.call = classification.call;
  const activity = classifyActivity({
    durationSec: report.capture.durationSec,
    flows: report.flows,
    media: report.media,
    streams: report.rtp.streams,
    stun: report.stun.messages,
    windowSeconds: options.activityWindowSec,
  });
  report.application = activity.application;
  report.findings = withSafeIds([
    ...buildFindings({ capture: report.capture, dns: report.dns.transactions, tls: realTls, stun: report.stun.messages }),
    ...dnsSecurityFindings({ dns: report.dns.transactions, flows: report.flows, tls: report.tls.handshakes }),
    ...dnsVolumeFindings(report.dns.transactions, report.rtp.streams, report.capture.durationSec),
    ...parallelConnectionFindings(report.transport.parallelConnections),
    ...plaintextFindings(report.flows, classification.names),
    ...tlsSecurityFindings(realTls, report.tls.cipherSuites, tshark.version),
    ...pseudoTlsRelayFindings(report.tls.handshakes, report.flows, report.media),
    ...classificationFindings(classification),
    ...activityFindings(activity.application, activity.evidence),
  ]);
  return report;
}

/** Fails early, in the user's words, on what tshark would report less clearly. Returns the file's size and kind. */
async function checkReadableFile(capture: string): Promise<{ bytes: number; pipe: boolean }> {
  let info;
  try {
    info = await stat(capture);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Node decodes command-line arguments as UTF-8: a name in another encoding arrives with U+FFFD in it.
    if (code === 'ENOENT' && capture.includes('\uFFFD')) throw new TeamsharkError(`${capture}: capture not found (its name is not UTF-8 and cannot be passed on intact: rename the file)`);
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new TeamsharkError(`${capture}: capture not found`);
    if (code === 'EACCES') throw new TeamsharkError(`${capture}: cannot read the capture (permission denied)`);
    throw new TeamsharkError(`${capture}: cannot open the capture (${code ?? 'unknown error'})`);
  }
  if (info.isDirectory()) throw new TeamsharkError(`${capture}: is a directory, not a capture file`);
  if (!info.isFile() && !info.isFIFO()) throw new TeamsharkError(`${capture}: not a regular file`);
  try {
    await access(capture, constants.R_OK);
  } catch {
    throw new TeamsharkError(`${capture}: cannot read the capture (permission denied)`);
  }
  if (info.isFile() && info.size === 0) throw new TeamsharkError(`${capture}: the file is empty (0 bytes), not a capture`);
  return { bytes: info.size, pipe: info.isFIFO() };
}
