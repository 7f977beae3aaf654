import type { Endpoint } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import { ADDRESSING_FIELDS, addressingOf, sameEndpoint } from './addressing.js';
import { relativeTime, type Collector, type FinishContext } from './collector.js';

/** The UDP header: udp.length counts it, the payload does not. */
const UDP_HEADER_BYTES = 8;
/** A TCP keep-alive carries at most one byte (RFC 9293 §3.8.4): not application data. */
const KEEPALIVE_PAYLOAD_BYTES = 1;
/** Packets of one connection this close together belong to one burst (a request and its response). */
const BURST_GAP_SECONDS = 1;

/** One burst of application data on a connection: payload bytes each way, between its first and last packet. */
export interface PayloadBurst {
  start: number;
  end: number;
  /** Payload bytes (above TCP/UDP) sent by the flow's first sender and by the other side. */
  fromFirst: number;
  fromSecond: number;
  firstFrame: number;
  lastFrame: number;
}

/** A client's SYN (without ACK, RFC 9293 §3.5): the connection opened inside the capture, at this frame. */
export interface ConnectionOpening {
  frame: number;
  time: number;
}

/**
 * Per flow: who sent its first packet (to orient the bursts), its bursts of application data and, for a TCP
 * connection whose opening the capture holds, its first SYN.
 */
export interface FlowPayload {
  first: Endpoint;
  bursts: PayloadBurst[];
  opened?: ConnectionOpening;
}

interface RawBurst extends Omit<PayloadBurst, 'start' | 'end'> {
  start: number;
  end: number;
}

/**
 * Application data over time, per flow, cut into bursts: what a request and its response, a file upload or
 * a push look like on the wire, as opposed to keep-alives (no payload, or TCP's one-byte probes). Not part of
 * the report: the activity classifier reads it (core/classify/activity.ts).
 */
export class PayloadCollector implements Collector<Map<string, FlowPayload>> {
  readonly fields = [...ADDRESSING_FIELDS, 'tcp.len', 'udp.length', 'tcp.flags.syn', 'tcp.flags.ack'];
  private readonly flows = new Map<string, { first: Endpoint; bursts: RawBurst[]; opened?: ConnectionOpening }>();

  add(packet: PacketRecord): void {
    const addressing = addressingOf(packet);
    if (!addressing) return;
    const payload =
      addressing.transport === 'tcp'
        ? (packet.ints('tcp.len').at(-1) ?? 0)
        : Math.max(0, (packet.ints('udp.length').at(-1) ?? 0) - UDP_HEADER_BYTES);
    let flow = this.flows.get(addressing.flowId);
    if (!flow) this.flows.set(addressing.flowId, (flow = { first: addressing.source, bursts: [] }));
    // The first SYN, not a retry: the connection opened when the client first asked.
    if (addressing.transport === 'tcp' && !flow.opened && packet.flag('tcp.flags.syn') && !packet.flag('tcp.flags.ack'))
      flow.opened = { frame: packet.frame, time: packet.time };
    if (payload <= KEEPALIVE_PAYLOAD_BYTES) return;
    let burst = flow.bursts.at(-1);
    if (!burst || packet.time - burst.end > BURST_GAP_SECONDS) {
      burst = {
        start: packet.time,
        end: packet.time,
        fromFirst: 0,
        fromSecond: 0,
        firstFrame: packet.frame,
        lastFrame: packet.frame,
      };
      flow.bursts.push(burst);
    }
    burst.end = packet.time;
    burst.lastFrame = packet.frame;
    if (sameEndpoint(addressing.source, flow.first)) burst.fromFirst += payload;
    else burst.fromSecond += payload;
  }

  finish({ start }: FinishContext): Map<string, FlowPayload> {
    const result = new Map<string, FlowPayload>();
    for (const [flowId, { first, bursts, opened }] of this.flows) {
      result.set(flowId, {
        first,
        bursts: bursts.map((b) => ({ ...b, start: relativeTime(b.start, start), end: relativeTime(b.end, start) })),
        ...(opened ? { opened: { frame: opened.frame, time: relativeTime(opened.time, start) } } : {}),
      });
    }
    return result;
  }
}
