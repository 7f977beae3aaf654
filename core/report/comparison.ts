import type { AddressRole, Report } from '../schema/generated/report.js';
import { compareQuality, type QualityComparison } from '../quality/comparison.js';
import { tlsHandshakes } from '../summaries/tls-handshakes.js';

/** One column of the comparison table: what the manual Teams study measured for each situation. */
export interface CaptureComparison {
  file: string;
  activity: Report['application']['dominantActivity'];
  durationSec: number;
  packets: number;
  bytes: number;
  packetsPerSecond: number;
  kilobitsPerSecond: number;
  /** Share of packets (0–1) per transport or protocol family. */
  share: { tcp: number; udp: number; tls: number; quic: number; rtp: number; stun: number; dns: number };
  dnsLookups: number;
  dnsLookupsPerMinute: number;
  /** Share of packets (0–1) by who receives them. */
  receivers: { microsoft: number; otherClient: number; thisClient: number; other: number };
  tlsVersions: string[];
  protocols: string[];
  /** The call's quality, as the network delivered it (core/quality). */
  quality: QualityComparison;
}

const MICROSOFT_ROLES: ReadonlySet<AddressRole['role']> = new Set(['microsoft', 'relay', 'cdn']);
const PEER_ROLES: ReadonlySet<AddressRole['role']> = new Set(['public-peer', 'lan-peer']);
/** Protocols below the application layer, left out of "protocols used". */
const CARRIERS = new Set(['eth', 'ethertype', 'ip', 'ipv6', 'tcp', 'udp', 'data', 'sll', 'vlan', 'frame']);

export function compareReport(report: Report): CaptureComparison {
  const { capture } = report;
  const seconds = capture.durationSec; // a capture shorter than a second is not stretched to one
  const share = (protocol: string) =>
    ratio(report.protocols.find((p) => p.protocol === protocol)?.packets ?? 0, capture.packets);
  const roleOf = new Map(report.addresses.map((a) => [a.ip, a.role]));
  const received = { microsoft: 0, otherClient: 0, thisClient: 0, other: 0 };
  for (const flow of report.flows) {
    for (const [ip, packets] of [
      [flow.server.ip, flow.clientToServer.packets],
      [flow.client.ip, flow.serverToClient.packets],
    ] as const) {
      const role = roleOf.get(ip);
      if (role && MICROSOFT_ROLES.has(role)) received.microsoft += packets;
      else if (role && PEER_ROLES.has(role)) received.otherClient += packets;
      else if (role === 'client') received.thisClient += packets;
      else received.other += packets;
    }
  }
  const flowPackets = Object.values(received).reduce((a, b) => a + b, 0);
  // From the names, which count every lookup: the transactions list may be capped (core/model/capped-list.ts).
  const lookups = report.dns.names.filter((n) => n.protocol === 'dns').reduce((sum, n) => sum + n.queries, 0);
  return {
    file: capture.file,
    activity: report.application.dominantActivity,
    durationSec: capture.durationSec,
    packets: capture.packets,
    bytes: capture.bytes,
    packetsPerSecond: seconds > 0 ? round(capture.packets / seconds) : 0,
    kilobitsPerSecond: seconds > 0 ? round((capture.bytes * 8) / seconds / 1000) : 0,
    share: {
      tcp: share('tcp'),
      udp: share('udp'),
      tls: share('tls'),
      quic: share('quic'),
      rtp: share('rtp'),
      stun: share('stun'),
      dns: share('dns'),
    },
    dnsLookups: lookups,
    dnsLookupsPerMinute: seconds > 0 ? round((lookups / seconds) * 60) : 0,
    receivers: {
      microsoft: ratio(received.microsoft, flowPackets),
      otherClient: ratio(received.otherClient, flowPackets),
      thisClient: ratio(received.thisClient, flowPackets),
      other: ratio(received.other, flowPackets),
    },
    tlsVersions: [
      ...new Set(
        tlsHandshakes(report.tls.handshakes).flatMap((h) =>
          h.serverHello ? [h.serverHello.version.name ?? String(h.serverHello.version.code)] : [],
        ),
      ),
    ],
    protocols: report.protocols.map((p) => p.protocol).filter((p) => !CARRIERS.has(p) && !/^(x509|pkix|ocsp)/.test(p)),
    quality: compareQuality(report.quality),
  };
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 1000) / 1000;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
