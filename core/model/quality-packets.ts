import type { Endpoint } from '../schema/generated/report.js';

// The packets the call-quality stage reads, as the capture model holds them (core/quality/collector.ts gathers
// them): defined here so that the model does not depend on the stage that reads it.

/** One RTP stream's packets in arrival order, as columns (a 100k-packet capture stays a few MB). */
export interface StreamPackets {
  key: string;
  ssrc: string;
  flowId: string;
  transport: 'tcp' | 'udp';
  source: Endpoint;
  destination: Endpoint;
  frames: number[];
  /** Epoch seconds. */
  times: number[];
  sequences: number[];
  timestamps: number[];
  payloadTypes: number[];
  markers: boolean[];
  bytes: number[];
  /** DSCP value → packets. */
  dscp: Map<number, number>;
}

/** A TCP handshake's SYN and SYN/ACK, as the capture saw them. */
export interface TcpHandshake {
  client: Endpoint;
  server: Endpoint;
  synFrame: number;
  synTime: number;
  synAckFrame?: number;
  synAckTime?: number;
}

export interface QualityPackets {
  streams: StreamPackets[];
  handshakes: TcpHandshake[];
}
