import type { Finding, MediaStream } from '../schema/generated/report.js';
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
    title: `${KIND_WORDS[m.kind]} stream ${m.source ? formatEndpoint(m.source) : ''} → ${m.destination ? formatEndpoint(m.destination) : ''} (${m.direction})`,
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
        detail: `${streams.length} media stream(s) ${PATH_WORDS[path]}: ${[...new Set(streams.map((m) => `${m.source ? formatEndpoint(m.source) : '?'} ↔ ${m.destination ? formatEndpoint(m.destination) : '?'}`))].slice(0, 6).join('; ')}. Overall: ${call.reason}.`,
        frames: [...new Set(streams.map((m) => m.firstFrame))].sort((a, b) => a - b) as Finding['frames'],
        filter: [...new Set(streams.map((m) => `(${m.filter})`))].join(' || '),
      });
    }
  }
  return findings;
}
