import type { Activity, SampleTruth } from '../schema/generated/sample-truth.js';

export type { Activity, SampleTruth };
export type MediaKind = SampleTruth['media'][number]['kind'];

/** The richer activity wins, as a video call carries audio and a file is sent inside a chat. */
const PRIORITY: readonly Exclude<Activity, 'idle'>[] = ['screenshare', 'video', 'audio', 'file', 'call-setup', 'chat'];

/** Findings a scenario must not cause unless it records them: the analysis must then report none of them. */
const CHECKED_FAMILIES = [
  'malformed-packets',
  'plaintext/',
  'tls-probably-not-tls/',
  'tls-insecure-suites-offered',
  'tls-weak-suites-offered',
  'tls-insecure-suite-selected/',
  'tls-weak-suite-selected/',
  'tls-certificate-expired/',
  'tls-certificate-not-yet-valid/',
  'dns-over-tls/',
  'dns-over-https/',
  'nat-mapped-address/',
  'turn-allocation/',
  'call-path/',
  'call-phase/screenshare-start',
];

/** ip:port, with an IPv6 address in brackets, as finding ids spell endpoints. */
export function endpointText(ip: string, port: number): string {
  return `${ip.includes(':') ? `[${ip}]` : ip}:${port}`;
}

/** A finding id matches an expected one equal to it, or one ending in '/' that it starts with. */
export function matchesFinding(id: string, expected: string): boolean {
  return id === expected || (expected.endsWith('/') && id.startsWith(expected));
}

/**
 * What a scenario put on the wire, recorded as it is written: the names, handshakes, relays, streams and
 * activities, and from them the findings a correct analysis must state (and must not).
 */
export class TruthRecorder {
  readonly dnsNames = new Map<string, { aliases: Set<string>; addresses: Set<string> }>();
  readonly serverNames = new Set<string>();
  readonly quicServerNames = new Set<string>();
  readonly tlsVersions = new Set<string>();
  readonly selectedSuites = new Set<number>();
  readonly relays = new Set<string>();
  readonly publicAddresses = new Set<string>();
  readonly media: SampleTruth['media'] = [];
  readonly activities = new Set<Activity>();
  readonly present = new Set<string>();
  readonly absent = new Set<string>();
  readonly ipVersions = new Set<4 | 6>();
  ssdp = false;

  finding(id: string): void {
    this.present.add(id);
  }

  lookedUp(name: string, aliases: readonly string[], addresses: readonly string[]): void {
    let entry = this.dnsNames.get(name);
    if (!entry) this.dnsNames.set(name, (entry = { aliases: new Set(), addresses: new Set() }));
    for (const alias of aliases) entry.aliases.add(alias);
    for (const address of addresses) entry.addresses.add(address);
  }

  finish(
    scenario: string,
    description: string,
    seed: number,
    packets: number,
    durationSec: number,
    linkType: string,
  ): SampleTruth {
    const activities = PRIORITY.filter((a) => this.activities.has(a));
    const paths = [...new Set(this.media.map((m) => m.path))];
    for (const family of CHECKED_FAMILIES)
      if (![...this.present].some((id) => matchesFinding(id, family))) this.absent.add(family);
    return {
      scenario,
      description,
      seed,
      packets,
      durationSec: Math.round(durationSec * 1e6) / 1e6,
      linkType,
      ipVersions: [...this.ipVersions].sort(),
      dominantActivity: activities[0] ?? 'idle',
      activities: activities.length ? activities : ['idle'],
      absentActivities: PRIORITY.filter((a) => !this.activities.has(a)),
      media: this.media,
      ...callQuality(this.media),
      ...(paths.length ? { callPath: paths.length === 1 ? paths[0]! : 'mixed' } : {}),
      relays: [...this.relays].sort(),
      behindNat: this.publicAddresses.size > 0,
      publicAddresses: [...this.publicAddresses].sort(),
      dnsNames: [...this.dnsNames.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, { aliases, addresses }]) => ({ name, aliases: [...aliases], addresses: [...addresses].sort() })),
      tls: {
        versions: [...this.tlsVersions].sort(),
        serverNames: [...this.serverNames].sort(),
        selectedSuites: [...this.selectedSuites].sort((a, b) => a - b),
      },
      quicServerNames: [...this.quicServerNames].sort(),
      ssdp: this.ssdp,
      findings: { present: [...this.present].sort(), absent: [...this.absent].sort() },
    };
  }
}

/** The call's verdict when the scenario impaired some of its streams: poor when one of them is. */
function callQuality(media: SampleTruth['media']): Pick<SampleTruth, 'callQuality'> {
  const judged = media.filter((m) => m.quality);
  if (judged.length === 0) return {};
  return { callQuality: judged.some((m) => m.quality!.verdict === 'poor') ? 'poor' : 'good' };
}
