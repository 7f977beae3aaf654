import { uint32 } from './bytes.js';

/** RTP (RFC 3550 §5.1) and RTCP sender/receiver reports with SDES (RFC 3550 §6). */

export interface RtpHeader {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
}

export function rtpPacket(h: RtpHeader, payload: Buffer): Buffer {
  const header = Buffer.alloc(12);
  header[0] = 0x80;
  header[1] = (h.marker ? 0x80 : 0) | h.payloadType;
  header.writeUInt16BE(h.sequence & 0xffff, 2);
  header.writeUInt32BE(h.timestamp >>> 0, 4);
  header.writeUInt32BE(h.ssrc >>> 0, 8);
  return Buffer.concat([header, payload]);
}

export interface ReportBlock {
  ssrc: number;
  fractionLost: number;
  cumulativeLost: number;
  highestSequence: number;
  jitter: number;
}

export interface SenderInfo {
  /** NTP time of the report (seconds since 1900) and the matching RTP timestamp. */
  ntpSeconds: number;
  rtpTimestamp: number;
  packets: number;
  octets: number;
}

const RTCP_SR = 200;
const RTCP_RR = 201;
const RTCP_SDES = 202;
const SDES_CNAME = 1;

/** A compound RTCP packet: SR (with sender info) or RR, then SDES with the sender's CNAME. */
export function rtcpCompound(ssrc: number, cname: string, blocks: readonly ReportBlock[], sender?: SenderInfo): Buffer {
  const body = [uint32(ssrc)];
  if (sender) {
    const seconds = Math.floor(sender.ntpSeconds);
    body.push(
      uint32(seconds),
      uint32(Math.floor((sender.ntpSeconds - seconds) * 0x100000000)),
      uint32(sender.rtpTimestamp),
      uint32(sender.packets),
      uint32(sender.octets),
    );
  }
  for (const b of blocks) {
    const lost = Buffer.alloc(4);
    lost[0] = Math.round(b.fractionLost * 256) & 0xff;
    lost.writeUIntBE(b.cumulativeLost & 0xffffff, 1, 3);
    body.push(uint32(b.ssrc), lost, uint32(b.highestSequence), uint32(b.jitter), uint32(0), uint32(0));
  }
  const report = rtcpPacket(sender ? RTCP_SR : RTCP_RR, blocks.length, Buffer.concat(body));
  const item = Buffer.concat([Buffer.from([SDES_CNAME, cname.length]), Buffer.from(cname)]);
  // An SDES chunk ends with a null item and is padded to 32 bits.
  const chunk = Buffer.concat([uint32(ssrc), item, Buffer.alloc(4 - (item.length % 4))]);
  return Buffer.concat([report, rtcpPacket(RTCP_SDES, 1, chunk)]);
}

function rtcpPacket(type: number, count: number, body: Buffer): Buffer {
  const header = Buffer.from([0x80 | count, type, 0, 0]);
  header.writeUInt16BE(body.length / 4, 2);
  return Buffer.concat([header, body]);
}
