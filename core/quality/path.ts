import type { StreamQuality } from '../schema/generated/report.js';

export type MediaPath = StreamQuality['path'];

/** The port a Teams relay accepts media on over TCP when UDP 3478–3481 is blocked (its pseudo-TLS framing). */
export const RELAY_TCP_PORT = 443;

/**
 * The path a media stream takes: straight between the peers or through a relay, over UDP or (the fallback
 * when UDP is blocked or fails) TCP, the relay's TCP 443 above all. This is the one place the path is decided:
 * whatever else learns that a flow is relayed media over TCP 443 feeds it here.
 */
export function mediaPath(stream: { transport: 'tcp' | 'udp'; relayed: boolean; remotePort?: number }): MediaPath {
  if (stream.transport === 'udp') return stream.relayed ? 'relayed-udp' : 'direct-udp';
  if (!stream.relayed) return 'direct-tcp';
  return stream.remotePort === RELAY_TCP_PORT ? 'relayed-tcp-443' : 'relayed-tcp';
}

export const PATH_TEXT: Record<MediaPath, string> = {
  'direct-udp': 'direct UDP',
  'relayed-udp': 'relayed UDP',
  'relayed-tcp-443': 'relayed TCP 443',
  'relayed-tcp': 'relayed TCP',
  'direct-tcp': 'direct TCP',
};

/** Media over TCP: a lost segment holds back everything behind it until it is retransmitted. */
export function isTcpFallback(path: MediaPath): boolean {
  return path === 'relayed-tcp-443' || path === 'relayed-tcp' || path === 'direct-tcp';
}
