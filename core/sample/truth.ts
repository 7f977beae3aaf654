import type { Activity, SampleTruth } from '../schema/generated/sample-truth.js';

export type { Activity, SampleTruth };
export type MediaKind = SampleTruth['media'][number]['kind'];

/** The richer activity wins, as a video call carries audio and a file is sent inside a chat. */
const PRIORITY: readonly Exclude<Activity, 'idle'>[] = ['screenshare', 'video', 'audio', 'file', 'chat'];

/**
 * What a scenario put on the wire, recorded as it is written: the names, handshakes, relays, streams and
 * activities, and from them the findings a correct analysis must state (and must not).
 */
export class TruthRecorder {
  readonly dnsNames = new Set<string>();
  readonly serverNames = new Set<string>();
  readonly quicServerNames = new Set<string>();
  readonly tlsVersions = new Set<string>();
  readonly selectedSuites = new Set<number>();
  readonly relays = new Set<string>();
  readonly publicAddresses = new Set<string>();
  readonly media: SampleTruth['media'] = [];
  readonly activities = new Set<Activity>();
  readonly present = new Set<string>();
  readonly absent = new Set<string>(['malformed-packets']);
  readonly ipVersions = new Set<4 | 6>();
  ssdp = false;

  finding(id: string): void {
    this.present.add(id);
  }

  finish(scenario: string, description: string, seed: number, packets: number, durationSec: number, linkType: string): SampleTruth {
    const activities = PRIORITY.filter((a) => this.activities.has(a));
    const paths = [...new Set(this.media.map((m) => m.path))];
    for (const id of this.present) this.absent.delete(id);
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
      ...(paths.length ? { callPath: paths.length === 1 ? paths[0]! : 'mixed' } : {}),
      relays: [...this.relays].sort(),
      behindNat: this.publicAddresses.size > 0,
      publicAddresses: [...this.publicAddresses].sort(),
      dnsNames: [...this.dnsNames].sort(),
      tls: { versions: [...this.tlsVersions].sort(), serverNames: [...this.serverNames].sort(), selectedSuites: [...this.selectedSuites].sort((a, b) => a - b) },
      quicServerNames: [...this.quicServerNames].sort(),
      ssdp: this.ssdp,
      findings: { present: [...this.present].sort(), absent: [...this.absent].sort() },
    };
  }
}
