import { rfc } from '../knowledge/sources.js';
import { groupBy } from '../util/collections.js';
import { PATH_WORDS } from '../classify/media.js';
import { formatEndpoint } from '../model/addressing.js';
import type { CallQuality, MediaStream } from '../schema/generated/report.js';
import type { FindingDraft, FindingRule } from './finding.js';
import { count } from '../util/plural.js';

const KIND_WORDS: Record<MediaStream['kind'], string> = {
  audio: 'Audio',
  video: 'Video',
  'screen-sharing': 'Screen-sharing',
  unknown: 'Unclassified media',
};

/** Each media stream the classifiers found, with its kind and why. */
export const mediaStreams: FindingRule = {
  section: 'application',
  find: ({ classification }) =>
    classification.media.map((m): FindingDraft => ({
      id: `media-stream/${m.ssrc ?? m.flowId}`,
      severity: 'info',
      // Streams can share a 5-tuple (video and its repair stream, simulcast layers): the SSRC and PT tell them apart.
      title: `${KIND_WORDS[m.kind]} stream ${m.ssrc ? `SSRC ${m.ssrc}${m.payloadTypes?.length ? ` (PT ${m.payloadTypes.join('/')})` : ''} ` : ''}${m.source ? formatEndpoint(m.source) : ''} → ${m.destination ? formatEndpoint(m.destination) : ''} (${m.direction})`,
      detail: `${m.reason}. ${m.packets} packets over ${m.durationSec} s; confidence ${m.confidence}.`,
      frames: [m.firstFrame],
      filter: m.filter,
    })),
};

const MEDIA_SERVER_PATH = 'call-path/media-server';

/** The path the call's media takes: through a relay, directly on the LAN, or peer to peer across the Internet. */
export const callPaths: FindingRule = {
  section: 'network',
  sources: { [MEDIA_SERVER_PATH]: rfc(7667, 'RTP Topologies', '§3.6–3.7') },
  find({ classification: { media, call }, quality }) {
    const server = quality?.mediaServer;
    const paths = call ? pathFindings(media, call.reason, server?.ip) : [];
    if (server && !paths.some((f) => f.id === MEDIA_SERVER_PATH))
      paths.push({
        id: MEDIA_SERVER_PATH,
        severity: 'info',
        title: mediaServerTitle(server),
        detail: `${server.ip} sends RTCP (${count(server.rtcpPackets, 'packet')}) for ${server.senderSsrcs} sender SSRCs: more streams than one endpoint sends, so the media of several participants passes through it (an MCU or SFU, RFC 7667 §3.6–3.7). The frames are its RTCP senders' first packets.`,
        frames: server.frames,
        filter: server.filter,
      });
    return paths;
  },
};

function mediaServerTitle(server: NonNullable<CallQuality['mediaServer']>): string {
  return `Call media goes through a media server at ${server.ip} (a conference of ${server.senderSsrcs} sender SSRCs), not peer to peer`;
}

/** One finding per path the streams take; peer-to-peer streams to a media server are the conference's. */
function pathFindings(media: readonly MediaStream[], reason: string, serverIp: string | undefined): FindingDraft[] {
  return [...groupBy(media, (m) => m.path)].map(([path, streams]): FindingDraft => {
    const relays = [...new Map(streams.filter((m) => m.relay).map((m) => [formatEndpoint(m.relay!), m])).values()];
    const relayText = relays
      .map((m) => `${formatEndpoint(m.relay!)}${m.relayNames?.length ? ` (${m.relayNames.join(', ')})` : ''}`)
      .join(', ');
    const toServer = path === 'p2p' && streams.some((m) => m.source?.ip === serverIp || m.destination?.ip === serverIp);
    const title =
      path === 'relay'
        ? `Media is relayed through ${relayText} — TURN`
        : path === 'p2p-lan'
          ? 'Call media flows directly between two LAN hosts'
          : toServer
            ? `Call media flows to a media server at ${serverIp} (a conference), not peer to peer`
            : 'Call media flows peer to peer across the Internet';
    return {
      id: toServer ? MEDIA_SERVER_PATH : `call-path/${path}`,
      severity: 'info',
      title,
      detail: `${count(streams.length, 'media stream')} ${PATH_WORDS[path as MediaStream['path']]}, ${pathPairs(streams)}. Overall: ${reason}.`,
      frames: streams.map((m) => m.firstFrame),
      filter: [...new Set(streams.map((m) => `(${m.filter})`))].join(' || '),
    };
  });
}

/**
 * The endpoint pairs the streams use, each once whichever way its streams run, with what runs on it:
 * "on 2 paths: A ↔ B (audio outbound, audio inbound); C ↔ D (video inbound ×2)".
 */
function pathPairs(streams: readonly MediaStream[]): string {
  const pairs = groupBy(streams, (m) =>
    [m.source ? formatEndpoint(m.source) : '?', m.destination ? formatEndpoint(m.destination) : '?'].sort().join(' ↔ '),
  );
  const shown = [...pairs.entries()].slice(0, 6).map(([pair, group]) => {
    const kinds = group.map((m) => `${KIND_WORDS[m.kind].toLowerCase()} ${m.direction}`);
    const counted = [...new Set(kinds)].map((k) => {
      const n = kinds.filter((x) => x === k).length;
      return n > 1 ? `${k} ×${n}` : k;
    });
    return `${pair} (${counted.join(', ')})`;
  });
  const more = pairs.size > 6 ? `; and ${pairs.size - 6} more` : '';
  return `on ${count(pairs.size, 'path')}: ${shown.join('; ')}${more}`;
}
