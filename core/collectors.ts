import type { TlsHandshake } from './schema/generated/report.js';
import type { CaptureModel } from './model/capture-model.js';
import type { Collector, FinishContext } from './model/collector.js';
import { DnsCollector } from './model/dns.js';
import { FlowCollector } from './model/flows.js';
import { HttpCollector } from './model/http.js';
import { LinkHostsCollector } from './model/link-hosts.js';
import { PayloadCollector } from './model/payload.js';
import { QuicCollector } from './model/quic.js';
import { RtcpCollector, type RtcpPacketReports } from './model/rtcp.js';
import { SsdpCollector } from './model/ssdp.js';
import { TcpHealthCollector } from './model/tcp-health.js';
import { StunCollector } from './model/stun.js';
import { TimelineCollector } from './model/timeline.js';
import { TlsCollector } from './model/tls.js';
import { QualityCollector } from './quality/collector.js';
import type { RecordPayloads } from './media/record-payloads.js';

/** What a collector is made for: the options of the analysis that decide whether it is needed. */
export interface CollectorOptions {
  /** A TLS key log: tshark decrypts, and what it decrypts is collected. */
  readonly keylog?: string;
  /** The capture's records give the datagrams' bytes (core/media/record-payloads.ts); else tshark does. */
  readonly payloads?: RecordPayloads;
}

/**
 * The parts of the capture model the collectors make, by name, and DTLS's handshakes, which the model lists in
 * `tls` after TLS's. The capture's counts and protocols come from the FrameCollector, which also gives the others
 * their time origin and each frame's time, so it finishes first, apart from these.
 */
export type CollectedParts = Omit<
  CaptureModel,
  'capture' | 'protocols' | 'timeOrigin' | 'frameTime' | 'warnings' | 'rtp'
> & {
  readonly dtls: TlsHandshake[];
  /** RTCP's reports; the model's `rtp` joins them to the RTP streams the quality packets make (core/model/rtp.ts). */
  readonly rtcp: RtcpPacketReports[];
};

/** For each part, what makes its collector; a part the model may lack (`decrypted?`) may have no collector. */
type Registry = {
  readonly [Part in keyof CollectedParts]-?: (
    options: CollectorOptions,
  ) => Collector<NonNullable<CollectedParts[Part]>> | (undefined extends CollectedParts[Part] ? undefined : never);
};

/**
 * Every collector that makes a part of the capture model, under the part's name, in the order they finish: some
 * warn as they finish, and the report's warnings keep this order.
 *
 * To add a part to the model: write its collector (core/model/collector.ts: the fields it reads, the protocols whose
 * packets it reads if not all, `add` for each packet, `finish` for its part), declare the part in CaptureModel, and
 * add the collector here under the same name; the analysis asks tshark for its fields, feeds it every packet of
 * those protocols and puts its part in the model.
 */
export const MODEL_COLLECTORS = {
  tls: () => new TlsCollector('tls'),
  stun: () => new StunCollector(),
  rtcp: () => new RtcpCollector(),
  flows: () => new FlowCollector(),
  dns: () => new DnsCollector(),
  dtls: () => new TlsCollector('dtls'),
  timeline: () => new TimelineCollector(),
  quic: () => new QuicCollector(),
  ssdp: () => new SsdpCollector(),
  payload: () => new PayloadCollector(),
  qualityPackets: ({ payloads }: CollectorOptions) => new QualityCollector(payloads),
  linkHosts: () => new LinkHostsCollector(),
  tcpHealth: () => new TcpHealthCollector(),
  // Only with a key log: without one the run, and so the report, is exactly what it was.
  decrypted: ({ keylog }: CollectorOptions) => (keylog ? new HttpCollector() : undefined),
} satisfies Registry;

/** One analysis' collectors, by part. */
export type ModelCollectors = {
  readonly [Part in keyof typeof MODEL_COLLECTORS]: ReturnType<(typeof MODEL_COLLECTORS)[Part]>;
};

/** A new collector for every part the analysis needs. */
export function makeCollectors(options: CollectorOptions): ModelCollectors {
  const collectors = Object.entries(MODEL_COLLECTORS).map(([part, make]) => [part, make(options)]);
  return Object.fromEntries(collectors) as ModelCollectors;
}

/** The collectors made, for the packet loop. */
export function collectorList(collectors: ModelCollectors): Collector<unknown>[] {
  return Object.values(collectors).filter((collector) => collector !== undefined);
}

/** Each collector's part, finished in the registry's order; a part whose collector was not made is left out. */
export function finishCollectors(collectors: ModelCollectors, context: FinishContext): CollectedParts {
  const parts = Object.entries(collectors).flatMap(([part, collector]) =>
    collector ? [[part, collector.finish(context)]] : [],
  );
  return Object.fromEntries(parts) as CollectedParts;
}
