import { PROTOCOL_UDP, internetChecksum, pseudoHeader } from './ip.js';

/** A UDP header and payload, with its checksum over the pseudo-header (0 is sent as 0xffff, RFC 768). */
export function udpDatagram(
  source: string,
  destination: string,
  sourcePort: number,
  destinationPort: number,
  payload: Buffer,
): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt16BE(sourcePort, 0);
  header.writeUInt16BE(destinationPort, 2);
  header.writeUInt16BE(8 + payload.length, 4);
  const checksum = internetChecksum(
    pseudoHeader(source, destination, PROTOCOL_UDP, 8 + payload.length),
    header,
    payload,
  );
  header.writeUInt16BE(checksum === 0 ? 0xffff : checksum, 6);
  return Buffer.concat([header, payload]);
}
