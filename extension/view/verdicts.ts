import type { Report } from '../../core/schema/generated/report.js';
import { tlsHandshakes } from '../../core/summaries/tls-handshakes.js';
import type { RevealTarget } from './protocol.js';

/** One line of the answers-first header: what it is about, the answer, its tone, and where its evidence is. */
export interface Verdict {
  label: string;
  text: string;
  tooltip?: string;
  tone: 'good' | 'neutral' | 'notice' | 'warning';
  target: RevealTarget;
}

type VerdictRule = (report: Report) => Verdict;

const seconds = (s: number) => `${Number.isInteger(s) ? s : s.toFixed(1)} s`;

const activity: VerdictRule = (report) => {
  const { application } = report;
  const segments = application.timeline.filter((s) => s.activity !== 'idle');
  const when = mergeSegments(segments).map((s) => `${s.activity} ${seconds(s.start)}–${seconds(s.end)}`);
  return {
    label: 'Activity',
    text: `${application.dominantActivity} (${application.confidence} confidence)${when.length ? `: ${when.join(', ')}` : ''}`,
    tooltip: application.reason,
    tone: application.confidence === 'low' ? 'notice' : 'neutral',
    target: { keys: ['application/activity'], section: 'application' },
  };
};

const callPath: VerdictRule = (report) => {
  const { call } = report;
  const finding = report.findings.find((f) => f.id.startsWith('call-path/'));
  return {
    label: 'Call path',
    text: call ? `${call.path}: ${call.reason}` : 'no call media in this capture',
    tooltip: call?.reason,
    tone: 'neutral',
    target: { keys: finding ? [`finding/${finding.id}`] : [], section: 'application' },
  };
};

const callQuality: VerdictRule = (report) => {
  const { quality } = report;
  const poor = quality?.streams.filter((s) => s.verdict === 'poor') ?? [];
  return {
    label: 'Call quality',
    text: quality && quality.streams.length ? `${quality.verdict}: ${quality.reason}` : 'no RTP media to judge',
    tooltip: quality?.method,
    tone:
      !quality || quality.streams.length === 0
        ? 'neutral'
        : quality.verdict === 'poor'
          ? 'warning'
          : quality.verdict === 'good'
            ? 'good'
            : 'notice',
    target: { keys: poor.length ? [`quality/stream/${quality!.streams.indexOf(poor[0]!)}`] : [], section: 'quality' },
  };
};

const nat: VerdictRule = (report) => {
  const { summary } = report.stun;
  const mapped = summary.publicAddresses.map((p) => `${p.privateAddresses.join(', ') || '?'} → ${p.ip}`);
  const finding = report.findings.find((f) => f.id.startsWith('nat-'));
  return {
    label: 'NAT',
    text: summary.behindNat
      ? `behind NAT: ${mapped.join('; ')}${summary.relays.length ? `; ${summary.relays.length} TURN relay(s)` : ''}`
      : `not shown by STUN${summary.relays.length ? `; ${summary.relays.length} TURN relay(s)` : ''}`,
    tone: 'neutral',
    target: { keys: finding ? [`finding/${finding.id}`] : [], section: 'network' },
  };
};

const tls: VerdictRule = (report) => {
  // Counted as the report's TLS statistics count: the relays' pseudo-TLS is not TLS (see tlsHandshakes).
  const handshakes = tlsHandshakes(report.tls.handshakes);
  const versions = new Map<string, number>();
  for (const handshake of handshakes) {
    const version = handshake.serverHello?.version;
    if (version)
      versions.set(version.name ?? String(version.code), (versions.get(version.name ?? String(version.code)) ?? 0) + 1);
  }
  const weakSelected = report.tls.cipherSuites.filter(
    (c) => c.selectedIn > 0 && (c.grade === 'weak' || c.grade === 'insecure'),
  );
  const weakOffered = report.tls.cipherSuites.filter(
    (c) => c.offeredIn > 0 && (c.grade === 'weak' || c.grade === 'insecure'),
  );
  const negotiated = [...versions].map(([name, n]) => `${name} in ${n}`).join(', ');
  const suites = weakSelected.length
    ? `${weakSelected.length} weak suite(s) selected`
    : weakOffered.length
      ? `weak suites offered (${weakOffered.length}), none selected`
      : 'no weak suite offered';
  return {
    label: 'TLS',
    text: handshakes.length ? `${negotiated || 'no ServerHello'} handshake(s); ${suites}` : 'no TLS handshake',
    tooltip: weakSelected.map((c) => `${c.name}: ${c.gradeReason}`).join('\n') || undefined,
    tone: weakSelected.length ? 'warning' : weakOffered.length ? 'notice' : 'good',
    target: { keys: ['security/Cipher suites'], section: 'security' },
  };
};

const dnsSecurity: VerdictRule = (report) => {
  const notices = report.findings.filter((f) => f.section === 'dns' && f.severity !== 'info');
  return {
    label: 'DNS security',
    text: notices.length ? notices.map((f) => f.title).join('; ') : 'no DNS notice',
    tone: notices.some((f) => f.severity === 'warning') ? 'warning' : notices.length ? 'notice' : 'good',
    target: { keys: notices.map((f) => `finding/${f.id}`).slice(0, 1), section: 'dns' },
  };
};

const warnings: VerdictRule = (report) => {
  const serious = report.findings.filter((f) => f.severity === 'warning');
  const lines = [...report.warnings.map((w) => w.message), ...serious.map((f) => f.title)];
  return {
    label: 'Warnings',
    text: lines.length ? `${lines.length}: ${lines.join('; ')}` : 'none',
    tooltip: lines.join('\n') || undefined,
    tone: lines.length ? 'warning' : 'good',
    // The report's warnings when it has some (listed in the summary), else the first warning finding.
    target: report.warnings.length
      ? { keys: ['warnings'] }
      : serious[0]
        ? { keys: [`finding/${serious[0].id}`], section: serious[0].section }
        : {},
  };
};

/** The header's verdicts, in order. Adding one is adding its rule here. */
export const VERDICTS: readonly VerdictRule[] = [activity, callPath, callQuality, nat, tls, dnsSecurity, warnings];

/** Consecutive windows of the same activity as one span. */
function mergeSegments(
  segments: Report['application']['timeline'],
): { activity: string; start: number; end: number }[] {
  const merged: { activity: string; start: number; end: number }[] = [];
  for (const s of segments) {
    const last = merged.at(-1);
    if (last && last.activity === s.activity && last.end >= s.start) last.end = s.end;
    else merged.push({ activity: s.activity, start: s.start, end: s.end });
  }
  return merged;
}
