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
  /** Packets tshark itself decoded as RTP; the others the media-plane reader read from the bytes (core/media). */
  decoded: number;
  /** The flows the stream came by, in order of their first packet: one for most streams, several after a path change. */
  legs: MediaLeg[];
  /** Packets that arrived on two legs (the same sequence number and timestamp) and count once. */
  repeatedAcrossLegs: number;
}

/** One flow an SSRC's packets took (a candidate pair or a relay allocation): its packets and when it carried them. */
export interface MediaLeg {
  flowId: string;
  transport: 'tcp' | 'udp';
  source: Endpoint;
  destination: Endpoint;
  packets: number;
  firstFrame: number;
  lastFrame: number;
  /** Epoch seconds. */
  start: number;
  end: number;
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

/** RTCP from one sender SSRC on one flow, as the media-plane reader counts it. */
export interface RtcpSender {
  ssrc: string;
  flowId: string;
  source: Endpoint;
  packets: number;
  /** Of them, those tshark decoded as RTCP. */
  decoded: number;
  firstFrame: number;
}

/** Datagrams of one sender on a media flow whose RTP or RTCP header the capture cut short (its snap length). */
export interface CutShort {
  flowId: string;
  source: Endpoint;
  destination: Endpoint;
  packets: number;
  firstFrame: number;
}

export interface QualityPackets {
  /** One stream per SSRC, its legs merged. */
  streams: StreamPackets[];
  /** One per flow, sender and SSRC, as tshark's `-z rtp,streams` lists them. */
  legs: StreamPackets[];
  handshakes: TcpHandshake[];
  rtcpSenders: RtcpSender[];
  cutShort: CutShort[];
}
