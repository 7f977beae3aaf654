import type { CaptureIndex, RecordReader } from '../records/capture-index.js';
import { readsLinkType, readUdpDatagram } from '../records/datagram.js';
import type { PacketAddressing } from '../model/addressing.js';
import type { PacketRecord } from '../tshark/record.js';

/**
 * The UDP payloads the media-plane reader (core/media/reader.ts) reads, taken from the capture's records instead of
 * tshark's `udp.payload`: tshark writing every datagram out in hex and Node parsing it back added a tenth to a
 * video call's analysis, for bytes the capture file holds already.
 *
 * A payload is the datagram tshark's innermost UDP layer read, or none: the record's datagram (core/records/
 * datagram.ts, read as captured — Ethernet padding is not the datagram's, a record the snap length cut holds what it
 * holds) must have tshark's ports and UDP length. Where it has not — a tunnel (the record's outer datagram is not the
 * inner one tshark addresses the packet by), IP fragments tshark reassembled, a link layer the reader does not read
 * (PPPoE) — there is none, and the quality collector decides whether the analysis needs tshark's `udp.payload` for it.
 */
export class RecordPayloads {
  /** Whether the records of this capture can give payloads: every interface has a link type the reader reads. */
  static readable(index: CaptureIndex): boolean {
    return index.layout.interfaces.every((face) => readsLinkType(face.linkType));
  }

  constructor(
    private readonly reader: RecordReader,
    private readonly index: CaptureIndex,
  ) {}

  /**
   * The payload of a UDP packet tshark read (not one the fast path made), valid until the next call; undefined when
   * the record does not hold the datagram tshark read.
   */
  of(packet: PacketRecord, addressing: PacketAddressing): Uint8Array | undefined {
    const record = this.reader.record(packet.frame);
    const linkType = record && this.index.layout.interfaces[record.interfaceId]?.linkType;
    if (!record || linkType === undefined) return undefined;
    const cut = record.capturedLength < record.originalLength;
    const datagram = readUdpDatagram(linkType, record.bytes, 'as-captured', cut);
    if (
      !datagram ||
      datagram.sourcePort !== addressing.source.port ||
      datagram.destinationPort !== addressing.destination.port ||
      datagram.udpLength !== Number(packet.values('udp.length').at(-1))
    )
      return undefined;
    return record.bytes.subarray(datagram.payloadOffset, datagram.payloadOffset + datagram.payloadLength);
  }
}
