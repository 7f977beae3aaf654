import type { Endpoint, Flow, Warning } from '../schema/generated/report.js';
import type { QualityPackets } from '../model/quality-packets.js';
import { readMsTurnTcp } from '../media/tcp-stream.js';
import type { TcpPayloads } from '../tshark/tcp-stun.js';
import { groupBy } from '../util/collections.js';
import { count } from '../util/plural.js';
import type { QualityCollector } from './collector.js';

/**
 * The call media of the relay connections over TCP (MS-TURN in pseudo-TLS, core/model/pseudo-tls.ts) joined to
 * the packets the pass collected: each direction's byte stream read for MS-TURN messages, their RTP and RTCP
 * added as legs of the flow. What cannot be read is said in a warning, never counted as lost.
 */
export function withRelayTcpMedia(
  collector: QualityCollector,
  flows: readonly Pick<Flow, 'id' | 'stream' | 'client' | 'server'>[],
  payloads: TcpPayloads,
  warn: (warning: Warning) => void,
): QualityPackets {
  if ('unread' in payloads) {
    warn({
      code: 'relay-tcp-media-unread',
      message: `the call media inside ${count(flows.length, 'relay connection')} over TCP was not read: ${payloads.unread}; its loss and jitter cannot be measured`,
    });
    return collector.finish();
  }
  const unread: string[] = [];
  for (const flow of flows) {
    const bySender = groupBy(payloads.segmentsByFlow.get(flow.id) ?? [], (segment) => segment.sender);
    for (const [sender, segments] of bySender) {
      const fromClient = sender === endpointKey(flow.client);
      const media = readMsTurnTcp(segments);
      collector.addRelayTcpMessages(
        {
          flowId: flow.id,
          source: fromClient ? flow.client : flow.server,
          destination: fromClient ? flow.server : flow.client,
        },
        media.messages,
      );
      if (media.unreadBytes)
        unread.push(`${count(media.unreadBytes, 'byte')} from ${sender} on tcp.stream ${flow.stream}`);
    }
  }
  if (unread.length)
    warn({
      code: 'relay-tcp-media-gaps',
      message: `parts of the relay's TCP byte stream could not be read as MS-TURN messages (segments the capture lacks, or a framing the reader does not know): ${unread.join('; ')}; the media in them is not counted, as sent or as lost`,
    });
  return collector.finish();
}

function endpointKey(endpoint: Endpoint): string {
  return `${endpoint.ip}:${endpoint.port}`;
}
