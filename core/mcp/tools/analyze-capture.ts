import type { Finding, Report } from '../../schema/generated/report.js';
import { CAPTURE_PATH, listed, reportOf, type AgentTool } from './tool.js';

/** Findings listed at most; the rest are counted (get_finding reads any of them by id). */
const LISTED_FINDINGS = 200;
/** Activity segments listed at most. */
const LISTED_SEGMENTS = 40;
/** Finding ids, stream SSRCs, addresses, relays, cipher suites and warnings each answer lists at most. */
const LISTED_NAMES = 30;

/** The ids of the findings of one kind (the part of the id before "/"), for an answer to point at. */
function findingsOfKind(report: Report, ...kinds: string[]) {
  return findingIds(report.findings.filter((f) => kinds.includes(f.id.split('/')[0]!)));
}

function findingIds(findings: readonly Finding[]) {
  return listed(
    'findings',
    findings.map((f) => f.id),
    LISTED_NAMES,
  );
}

/** The answers-first summary: what the view's header says, as data, each answer naming its findings. */
export function answersOf(report: Report) {
  const { application, call, quality, stun, tls } = report;
  const weakSelected = tls.cipherSuites.filter(
    (c) => c.selectedIn > 0 && (c.grade === 'weak' || c.grade === 'insecure'),
  );
  return {
    activity: {
      dominant: application.dominantActivity,
      confidence: application.confidence,
      reason: application.reason,
      ...listed(
        'segments',
        application.timeline
          .filter((s) => s.activity !== 'idle')
          .map((s) => ({ activity: s.activity, startSec: s.start, endSec: s.end })),
        LISTED_SEGMENTS,
      ),
      ...findingsOfKind(report, 'activity', 'call-phase'),
    },
    callPath: call
      ? {
          path: call.path,
          reason: call.reason,
          ...listed('relays', call.relays ?? [], LISTED_NAMES),
          ...findingsOfKind(report, 'call-path'),
        }
      : null,
    callQuality:
      quality && quality.streams.length
        ? {
            verdict: quality.verdict,
            reason: quality.reason,
            streams: quality.streams.length,
            ...listed(
              'poorStreams',
              quality.streams.filter((s) => s.verdict === 'poor').map((s) => s.ssrc),
              LISTED_NAMES,
            ),
            ...findingsOfKind(
              report,
              'call-quality',
              'stream-poor',
              'network-targets-missed',
              'media-gaps',
              'one-way-audio',
            ),
          }
        : null,
    nat: {
      behindNat: stun.summary.behindNat,
      ...listed('publicAddresses', stun.summary.publicAddresses, LISTED_NAMES),
      ...listed('relays', stun.summary.relays, LISTED_NAMES),
      ...findingsOfKind(report, 'nat-mapped-address', 'turn-allocation'),
    },
    tls: {
      handshakes: tls.handshakes.length,
      negotiated: negotiatedVersions(report),
      ...listed(
        'weakSuitesSelected',
        weakSelected.map((c) => c.name),
        LISTED_NAMES,
      ),
      ...findingIds(report.findings.filter((f) => f.section === 'security')),
    },
    ...listed(
      'dnsNotices',
      report.findings.filter((f) => f.section === 'dns' && f.severity !== 'info').map((f) => f.id),
      LISTED_NAMES,
    ),
    // A warning's frames are the first few already (the model lists at most 20).
    ...listed(
      'warnings',
      report.warnings.map((w) => ({ code: w.code, message: w.message, frames: w.frames ?? [] })),
      LISTED_NAMES,
    ),
  };
}

/** Handshakes per negotiated TLS version (the ServerHello's). */
function negotiatedVersions(report: Report): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { serverHello } of report.tls.handshakes) {
    if (!serverHello) continue;
    const version = serverHello.version.name ?? String(serverHello.version.code);
    counts[version] = (counts[version] ?? 0) + 1;
  }
  return counts;
}

function summaryOf(finding: Finding) {
  return { id: finding.id, section: finding.section, severity: finding.severity, title: finding.title };
}

export const analyzeCaptureTool: AgentTool = {
  name: 'analyze_capture',
  referenceName: 'teamsharkFindings',
  title: 'Analyze a Teams capture',
  description:
    'Analyses a packet capture of Microsoft Teams with tshark and answers first: activity, call path, call quality, NAT, TLS, DNS notices, warnings; then lists the findings (id, severity, title). Every answer names the findings that hold its evidence: read one whole (frames, display filter) with get_finding. Never the whole report.',
  inputSchema: { type: 'object', properties: { path: CAPTURE_PATH }, required: ['path'] },
  outputSchema: {
    type: 'object',
    properties: {
      capture: { type: 'object' },
      answers: { type: 'object' },
      findings: { type: 'array' },
      findingsLeftOut: { type: 'integer' },
    },
    required: ['capture', 'answers', 'findings', 'findingsLeftOut'],
  },
  async run(input, context) {
    const { capture, report } = await reportOf(input, context);
    return {
      capture: {
        path: context.roots.display(capture),
        packets: report.capture.packets,
        durationSec: report.capture.durationSec,
        start: report.capture.start,
      },
      answers: answersOf(report),
      ...listed('findings', report.findings.map(summaryOf), LISTED_FINDINGS),
    };
  },
};
