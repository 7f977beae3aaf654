import type { Endpoint } from '../schema/generated/report.js';

// The packets the call-quality stage reads, as the capture model holds them (core/quality/collector.ts gathers
// them): defined here so that the model does not depend on the stage that reads it.

/**
 * One RTP stream's packets in arrival order, as typed columns: 25 bytes a packet, where arrays of JS values took
 * 56 and more (a 1M-packet call keeps a million of them until the quality stage has read them).
 */
export interface StreamPackets {
  key: string;
  ssrc: string;
  flowId: string;
  transport: 'tcp' | 'udp';
  source: Endpoint;
  destination: Endpoint;
  frames: Uint32Array;
  /** Epoch seconds. */
  times: Float64Array;
  sequences: Uint16Array;
  timestamps: Uint32Array;
  /** -1 where the packet gave none. */
  payloadTypes: Int16Array;
  /** 1 where the marker bit is set. */
  markers: Uint8Array;
  bytes: Uint32Array;
  /** DSCP value → packets. */
  dscp: Map<number, number>;
}

/** A TCP handshake's SYN and SYN/ACK, as the capture saw them. */
export interface TcpHandshake {
  client: Endpoint;
  server: Endpoint;
  synFrame: number;
  synTime: number;
  /** SYNs the client sent before the SYN/ACK (more than one: retransmitted). */
  syns: number;
  synAckFrame?: number;
  synAckTime?: number;
}

export interface QualityPackets {
  streams: StreamPackets[];
  handshakes: TcpHandshake[];
}
