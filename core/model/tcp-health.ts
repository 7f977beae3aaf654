import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf, formatEndpoint } from './addressing.js';
import type { Collector } from './collector.js';

/** Frames kept per kind of event as evidence: enough to show it, never the whole of a long connection. */
const EVIDENCE_FRAMES = 20;

/** Events of one kind: how many, and the first frames. */
export interface TcpEvents {
  count: number;
  frames: number[];
}

/**
 * What one side of a TCP connection sent that tells of trouble, as tshark's TCP analysis marks it
 * (tcp.analysis.*: its expert analysis of sequence and acknowledgement numbers and windows).
 */
export interface TcpSideHealth {
  /** Segments carrying data (tcp.len > 0). */
  dataSegments: number;
  /** Data segments sent again (tcp.analysis.retransmission, fast and spurious ones included, with tcp.len > 0). */
  retransmissions: TcpEvents;
  /** SYNs sent again (a SYN without ACK marked tcp.analysis.retransmission): each waits out a retransmission timeout. */
  synRetries: TcpEvents;
  /** Resets (tcp.flags.reset). */
  resets: TcpEvents;
  /**
   * Zero windows advertised before this side's own FIN (tcp.analysis.zero_window): its receive buffer was full
   * and the other side had to stop. A closed socket's last ACKs advertise zero too (Windows does), which is no
   * stall, so those after its FIN are left out.
   */
  zeroWindows: TcpEvents;
  /** Duplicate ACKs (tcp.analysis.duplicate_ack): what a receiver sends when a segment is missing. */
  duplicateAcks: number;
  sentSyn: boolean;
  sentSynAck: boolean;
  sentFin: boolean;
}

/** One TCP connection's health: each side's events, by the side's endpoint ("ip:port"). */
export interface TcpConnectionEvents {
  flowId: string;
  sides: Map<string, TcpSideHealth>;
}

/** Per TCP connection (tcp.stream), what tshark's TCP analysis marks in each direction. */
export class TcpHealthCollector implements Collector<TcpConnectionEvents[]> {
  readonly protocols = ['tcp'];
  readonly fields = [
    ...ADDRESSING_FIELDS,
    'tcp.len',
    'tcp.flags.syn',
    'tcp.flags.ack',
    'tcp.flags.fin',
    'tcp.flags.reset',
    'tcp.analysis.retransmission',
    'tcp.analysis.zero_window',
    'tcp.analysis.duplicate_ack',
  ];
  private readonly connections = new Map<string, TcpConnectionEvents>();

  add(packet: PacketRecord): void {
    const addressing = addressingOf(packet);
    if (addressing?.transport !== 'tcp') return;
    let connection = this.connections.get(addressing.flowId);
    if (!connection)
      this.connections.set(addressing.flowId, (connection = { flowId: addressing.flowId, sides: new Map() }));
    const source = formatEndpoint(addressing.source);
    let side = connection.sides.get(source);
    if (!side) connection.sides.set(source, (side = emptySide()));

    const retransmitted = packet.has('tcp.analysis.retransmission');
    const syn = packet.flag('tcp.flags.syn') === true;
    const ack = packet.flag('tcp.flags.ack') === true;
    if (syn) side[ack ? 'sentSynAck' : 'sentSyn'] = true;
    if ((packet.int('tcp.len') ?? 0) > 0) {
      side.dataSegments++;
      if (retransmitted) note(side.retransmissions, packet.frame);
    }
    if (syn && !ack && retransmitted) note(side.synRetries, packet.frame);
    if (packet.flag('tcp.flags.reset')) note(side.resets, packet.frame);
    if (packet.has('tcp.analysis.zero_window') && !side.sentFin) note(side.zeroWindows, packet.frame);
    if (packet.has('tcp.analysis.duplicate_ack')) side.duplicateAcks++;
    if (packet.flag('tcp.flags.fin')) side.sentFin = true;
  }

  finish(): TcpConnectionEvents[] {
    return [...this.connections.values()];
  }
}

/** One side of a connection before any of its packets: nothing counted. */
export function emptySide(): TcpSideHealth {
  const none = (): TcpEvents => ({ count: 0, frames: [] });
  return {
    dataSegments: 0,
    retransmissions: none(),
    synRetries: none(),
    resets: none(),
    zeroWindows: none(),
    duplicateAcks: 0,
    sentSyn: false,
    sentSynAck: false,
    sentFin: false,
  };
}

function note(events: TcpEvents, frame: number): void {
  events.count++;
  if (events.frames.length < EVIDENCE_FRAMES) events.frames.push(frame);
}
