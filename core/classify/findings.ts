import type { Application, Finding, MediaStream } from '../schema/generated/report.js';
import { anyOf } from '../findings/filter.js';
import type { SegmentEvidence } from './activity.js';
import { formatEndpoint } from '../model/addressing.js';
import type { Classification } from './index.js';
import { PATH_WORDS } from './media.js';

const KIND_WORDS: Record<MediaStream['kind'], string> = {
  audio: 'Audio',
  video: 'Video',
  'screen-sharing': 'Screen-sharing',
  unknown: 'Unclassified media',
};

/** Findings the classifiers state: each media stream, and the path the call's media takes. */
export function classificationFindings({ media, call }: Classification): Finding[] {
  const findings: Finding[] = media.map((m) => ({
    id: `media-stream/${m.ssrc ?? m.flowId}`,
    section: 'application',
    severity: 'info',
    // Streams can share a 5-tuple (video and its repair stream, simulcast layers): the SSRC and PT tell them apart.
    title: `${KIND_WORDS[m.kind]} stream ${m.ssrc ? `SSRC ${m.ssrc}${m.payloadTypes?.length ? ` (PT ${m.payloadTypes.join('/')})` : ''} ` : ''}${m.source ? formatEndpoint(m.source) : ''} → ${m.destination ? formatEndpoint(m.destination) : ''} (${m.direction})`,
    detail: `${m.reason}. ${m.packets} packets over ${m.durationSec} s; confidence ${m.confidence}.`,
    frames: [m.firstFrame] as Finding['frames'],
    filter: m.filter,
  }));
  if (call) {
    const byPath = new Map<MediaStream['path'], MediaStream[]>();
    for (const m of media) byPath.set(m.path, [...(byPath.get(m.path) ?? []), m]);
    for (const [path, streams] of byPath) {
      const relays = [...new Map(streams.filter((m) => m.relay).map((m) => [formatEndpoint(m.relay!), m])).values()];
      const relayText = relays.map((m) => `${formatEndpoint(m.relay!)}${m.relayNames?.length ? ` (${m.relayNames.join(', ')})` : ''}`).join(', ');
      const title =
        path === 'relay'
          ? `Media is relayed through ${relayText} — TURN`
          : path === 'p2p-lan'
            ? 'Call media flows directly between two LAN hosts'
            : 'Call media flows peer to peer across the Internet';
      findings.push({
        id: `call-path/${path}`,
        section: 'network',
        severity: 'info',
        title,
        detail: `${streams.length} media stream${streams.length === 1 ? '' : 's'} ${PATH_WORDS[path]}, ${pathPairs(streams)}. Overall: ${call.reason}.`,
        frames: [...new Set(streams.map((m) => m.firstFrame))].sort((a, b) => a - b) as Finding['frames'],
        filter: [...new Set(streams.map((m) => `(${m.filter})`))].join(' || '),
      });
    }
  }
  return findings;
}

/**
 * The endpoint pairs the streams use, each once whichever way its streams run, with what runs on it:
 * "on 2 paths: A ↔ B (audio outbound, audio inbound); C ↔ D (video inbound ×2)".
 */
function pathPairs(streams: readonly MediaStream[]): string {
  const pairs = new Map<string, string[]>();
  for (const m of streams) {
    const ends = [m.source ? formatEndpoint(m.source) : '?', m.destination ? formatEndpoint(m.destination) : '?'].sort();
    const key = ends.join(' ↔ ');
    pairs.set(key, [...(pairs.get(key) ?? []), `${KIND_WORDS[m.kind].toLowerCase()} ${m.direction}`]);
  }
  const shown = [...pairs.entries()].slice(0, 6).map(([pair, kinds]) => {
    const counted = [...new Set(kinds)].map((k) => {
      const n = kinds.filter((x) => x === k).length;
      return n > 1 ? `${k} ×${n}` : k;
    });
    return `${pair} (${counted.join(', ')})`;
  });
  const more = pairs.size > 6 ? `; and ${pairs.size - 6} more` : '';
  return `on ${pairs.size} path${pairs.size === 1 ? '' : 's'}: ${shown.join('; ')}${more}`;
}

const ACTIVITY_WORDS: Record<Application['dominantActivity'], string> = {
  idle: 'idle',
  chat: 'chat',
  file: 'file transfer',
  audio: 'audio call',
  video: 'video call',
  screenshare: 'screen sharing',
  unknown: 'unknown activity',
};

/** One finding per labelled segment (idle ones aside) and per call phase. */
export function activityFindings(application: Application, evidence: readonly SegmentEvidence[]): Finding[] {
  const segments = evidence.map(({ segment, frames, filter }): Finding => ({
    id: `activity/${segment.activity}-${segment.start}`,
    section: 'application',
    severity: 'info',
    title: `${segment.start}–${segment.end} s: ${ACTIVITY_WORDS[segment.activity]}${segment.activities.length > 1 ? ` (also ${segment.activities.filter((a) => a !== segment.activity).map((a) => ACTIVITY_WORDS[a]).join(', ')})` : ''}`,
    detail: `${segment.evidence.join('; ')}. Confidence ${segment.confidence}.`,
    frames: frames.slice(0, 50) as Finding['frames'],
    filter,
  }));
  const phases = application.phases.map((phase): Finding => ({
    id: `call-phase/${phase.phase}`,
    section: 'application',
    severity: 'info',
    title: `Call ${phase.phase === 'screenshare-start' ? 'screen sharing starts' : phase.phase} at ${phase.start} s${phase.end > phase.start ? `–${phase.end} s` : ''}`,
    detail: phase.detail,
    frames: phase.frames.slice(0, 50) as Finding['frames'],
    filter: phase.phase === 'setup' ? `(stun || classicstun) && frame.time_relative <= ${phase.end}` : anyOf('frame.number', phase.frames),
  }));
  return [...segments, ...phases];
}
