import type { SsdpMessage } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf } from './addressing.js';
import { relativeTime, withoutUndefined, type Collector, type FinishContext } from './collector.js';

type RawSsdp = Omit<SsdpMessage, 'time'> & { epoch: number };

/** SSDP (UPnP discovery) messages: LAN noise the report keeps apart from Teams traffic. */
export class SsdpCollector implements Collector<SsdpMessage[]> {
  readonly protocols = ['ssdp'];
  readonly fields = [...ADDRESSING_FIELDS, 'http.request.method', 'http.user_agent', 'http.server', 'http.location'];
  private readonly messages: RawSsdp[] = [];

  add(packet: PacketRecord): void {
    if (!packet.protocols.includes('ssdp')) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
    this.messages.push(
      withoutUndefined({
        frame: packet.frame,
        epoch: packet.time,
        source: addressing.source,
        destination: addressing.destination,
        method: packet.first('http.request.method'),
        userAgent: packet.first('http.user_agent'),
        server: packet.first('http.server'),
        location: packet.first('http.location'),
      }),
    );
  }

  finish({ start }: FinishContext): SsdpMessage[] {
    return this.messages.map(({ epoch, ...rest }) => ({ ...rest, time: relativeTime(epoch, start) }));
  }
}
