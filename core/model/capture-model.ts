import type {
  Capture,
  DnsTransaction,
  ProtocolShare,
  QuicConnection,
  SsdpMessage,
  StunMessage,
  Timeline,
  TlsHandshake,
  Warning,
} from '../schema/generated/report.js';
import type { ModelFlow } from './flows.js';
import type { DecryptedTraffic } from './http.js';
import type { LinkHosts } from './link-hosts.js';
import type { FlowPayload } from './payload.js';
import type { QualityPackets } from './quality-packets.js';
import type { RtpModel } from './rtp.js';
import type { TcpConnectionEvents } from './tcp-health.js';

/** What the collectors make of the packets: the capture model every later stage reads and none changes. */
export interface CaptureModel {
  readonly capture: Capture;
  readonly protocols: ProtocolShare[];
  readonly flows: ModelFlow[];
  readonly dns: DnsTransaction[];
  readonly tls: TlsHandshake[];
  readonly stun: StunMessage[];
  readonly rtp: RtpModel;
  readonly timeline: Timeline;
  readonly quic: QuicConnection[];
  readonly ssdp: SsdpMessage[];
  /** Application data per flow, in bursts: what the activity reads (not part of the report). */
  readonly payload: ReadonlyMap<string, FlowPayload>;
  /** The RTP packets and TCP handshakes the call-quality stage reads (not part of the report). */
  readonly qualityPackets: QualityPackets;
  /** Who sent the frames below IP: what tells the capturing host apart (not part of the report). */
  readonly linkHosts: LinkHosts;
  /** What tshark's TCP analysis marks on each TCP connection (the report's transport.tcpHealth sums it up). */
  readonly tcpHealth: TcpConnectionEvents[];
  /** Epoch seconds of the first packet: the model's relative times count from it. */
  readonly timeOrigin: number;
  /** A frame's time, seconds since the first packet (not part of the report); absent in models built by hand. */
  readonly frameTime?: (frame: number) => number | undefined;
  readonly warnings: Warning[];
  /** Only with a key log (AnalyzeOptions.keylog): what tshark could decrypt. */
  readonly decrypted?: DecryptedTraffic;
}
