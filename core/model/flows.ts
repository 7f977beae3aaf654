import type { DirectionCount, Endpoint, Flow, FlowService } from '../schema/generated/report.js';
import { perStack, type PacketRecord } from '../tshark/record.js';
import {
  ADDRESSING_FIELDS,
  addressingOf,
  innermostTransport,
  sameEndpoint,
  type PacketAddressing,
} from './addressing.js';
import { relativeTime, type Collector, type FinishContext } from './collector.js';

interface FlowState {
  addressing: PacketAddressing;
  /** Endpoint that sent the first packet seen. */
  first: Endpoint;
  second: Endpoint;
  /** Set once a SYN (without ACK) or SYN+ACK shows which side opened the connection. */
  synClient?: Endpoint;
  fromFirst: DirectionCount;
  fromSecond: DirectionCount;
  start: number;
  end: number;
  firstFrame: number;
  lastFrame: number;
  protocols: Set<string>;
}

/** ASN.1 modules tshark lists when it decodes certificates: parts of TLS, not protocols of the flow. */
export const CERTIFICATE_STRUCTURES = /^(x509\w*|pkix\w*|ocsp|cms|pkcs\d+|ber)$/;

/** The protocols above the innermost transport (the one addressingOf reads), certificate structures left out. */
const applicationProtocols = perStack((stack) =>
  stack.slice(innermostTransport(stack) + 1).filter((protocol) => !CERTIFICATE_STRUCTURES.test(protocol)),
);

/** Well-known service ports, for telling the server of a TCP connection whose SYN the capture missed. */
const SERVICE_PORT_LIMIT = 1024;

/** A flow as the capture model holds it: the service it belongs to is the classification's to decide. */
export type ModelFlow = Omit<Flow, 'service'>;

/** A flow with the service the classification gave it: what the report lists, and what the summaries, the activity and the findings read. */
export type ClassifiedFlow = ModelFlow & { service: FlowService };

/** TCP connections and UDP conversations, as tshark numbers them (tcp.stream / udp.stream). */
export class FlowCollector implements Collector<ModelFlow[]> {
  readonly fields = [...ADDRESSING_FIELDS, 'tcp.flags.syn', 'tcp.flags.ack'];
  private readonly flows = new Map<string, FlowState>();

  add(packet: PacketRecord): void {
    const addressing = addressingOf(packet);
    if (!addressing) return;
    let flow = this.flows.get(addressing.flowId);
    if (!flow) {
      flow = {
        addressing,
        first: addressing.source,
        second: addressing.destination,
        fromFirst: { packets: 0, bytes: 0 },
        fromSecond: { packets: 0, bytes: 0 },
        start: packet.time,
        end: packet.time,
        firstFrame: packet.frame,
        lastFrame: packet.frame,
        protocols: new Set(),
      };
      this.flows.set(addressing.flowId, flow);
    }
    const direction = sameEndpoint(addressing.source, flow.first) ? flow.fromFirst : flow.fromSecond;
    direction.packets++;
    direction.bytes += packet.length;
    flow.start = Math.min(flow.start, packet.time);
    flow.end = Math.max(flow.end, packet.time);
    flow.lastFrame = packet.frame;
    if (addressing.transport === 'tcp' && flow.synClient === undefined && packet.flag('tcp.flags.syn')) {
      flow.synClient = packet.flag('tcp.flags.ack') ? addressing.destination : addressing.source;
    }
    for (const protocol of applicationProtocols(packet.protocols)) flow.protocols.add(protocol);
  }

  finish({ start }: FinishContext): ModelFlow[] {
    return [...this.flows.values()]
      .map((flow): ModelFlow => {
        const { client, clientBy } = chooseClient(flow);
        const clientIsFirst = sameEndpoint(client, flow.first);
        const clientToServer = clientIsFirst ? flow.fromFirst : flow.fromSecond;
        const serverToClient = clientIsFirst ? flow.fromSecond : flow.fromFirst;
        const { transport, stream, flowId } = flow.addressing;
        return {
          id: flowId,
          transport,
          stream,
          client,
          server: clientIsFirst ? flow.second : flow.first,
          clientBy,
          packets: clientToServer.packets + serverToClient.packets,
          bytes: clientToServer.bytes + serverToClient.bytes,
          clientToServer,
          serverToClient,
          start: relativeTime(flow.start, start),
          end: relativeTime(flow.end, start),
          firstFrame: flow.firstFrame,
          lastFrame: flow.lastFrame,
          protocols: [...flow.protocols],
          filter: `${transport}.stream eq ${stream}`,
        };
      })
      .sort((a, b) => a.firstFrame - b.firstFrame);
  }
}

function chooseClient(flow: FlowState): { client: Endpoint; clientBy: Flow['clientBy'] } {
  if (flow.synClient) return { client: flow.synClient, clientBy: 'syn' };
  if (flow.addressing.transport === 'tcp') {
    const firstPort = flow.first.port ?? 0;
    const secondPort = flow.second.port ?? 0;
    if (firstPort < SERVICE_PORT_LIMIT && secondPort >= SERVICE_PORT_LIMIT)
      return { client: flow.second, clientBy: 'port' };
    if (secondPort < SERVICE_PORT_LIMIT && firstPort >= SERVICE_PORT_LIMIT)
      return { client: flow.first, clientBy: 'port' };
  }
  return { client: flow.first, clientBy: 'first-packet' };
}
