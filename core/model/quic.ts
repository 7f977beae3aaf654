import type { QuicConnection } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf } from './addressing.js';
import { withoutUndefined, type Collector } from './collector.js';

interface ConnectionState {
  flowId: string;
  protocol: QuicConnection['protocol'];
  versions: Set<string>;
  sni?: string;
  alpn: Set<string>;
  packets: number;
  firstFrame: number;
}

/** QUIC (IETF, versions as tshark shows them) and Google QUIC, one entry per UDP flow, with the SNI offered. */
export class QuicCollector implements Collector<QuicConnection[]> {
  readonly protocols = ['quic', 'gquic'];
  readonly fields = [
    ...ADDRESSING_FIELDS,
    'quic.version',
    'gquic.version',
    'gquic.tag.sni',
    'tls.handshake.type',
    'tls.handshake.extensions_server_name',
    'tls.handshake.extensions_alpn_str',
  ];
  private readonly connections = new Map<string, ConnectionState>();

  add(packet: PacketRecord): void {
    const stack = packet.protocols;
    const protocol = stack.includes('quic') ? 'quic' : stack.includes('gquic') ? 'gquic' : undefined;
    if (!protocol) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
    let connection = this.connections.get(addressing.flowId);
    if (!connection) {
      connection = {
        flowId: addressing.flowId,
        protocol,
        versions: new Set(),
        alpn: new Set(),
        packets: 0,
        firstFrame: packet.frame,
      };
      this.connections.set(addressing.flowId, connection);
    }
    connection.packets++;
    for (const version of packet.values(protocol === 'quic' ? 'quic.version' : 'gquic.version'))
      connection.versions.add(version);
    const isClientHello = packet.ints('tls.handshake.type').includes(1);
    const sni =
      protocol === 'quic'
        ? isClientHello
          ? packet.first('tls.handshake.extensions_server_name')
          : undefined
        : packet.first('gquic.tag.sni');
    if (sni && !connection.sni) connection.sni = sni;
    if (isClientHello) for (const alpn of packet.values('tls.handshake.extensions_alpn_str')) connection.alpn.add(alpn);
  }

  finish(): QuicConnection[] {
    return [...this.connections.values()].map(({ versions, alpn, ...rest }) =>
      withoutUndefined({ ...rest, versions: [...versions], alpn: [...alpn] }),
    );
  }
}
