import type { AddressRole, CallSummary, DnsTransaction, Flow, MediaStream, NatSummary, Report, StunMessage, TlsHandshake } from '../schema/generated/report.js';
import { classifyAddresses } from './addresses.js';
import { classifyMedia, summarizeCall } from './media.js';
import { NameIndex } from './names.js';
import { relayFrames, summarizeNat } from './nat.js';
import { classifyFlowService } from './services.js';

export interface Classification {
  /** What the capture calls each address (not part of the report; other analyses consult it). */
  names: NameIndex;
  addresses: AddressRole[];
  nat: NatSummary;
  media: MediaStream[];
  call?: CallSummary;
}

type ModelParts = Pick<Report, 'flows' | 'capture'> & {
  dns: DnsTransaction[];
  tls: TlsHandshake[];
  stun: StunMessage[];
  rtp: Report['rtp'];
};

function byFlow<T extends { flowId: string }>(items: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(item.flowId, [...(map.get(item.flowId) ?? []), item]);
  return map;
}

/**
 * Runs the Teams classifiers over the capture model: a service for every flow (set on the flow), a role for
 * every address, the NAT and relay summary, media streams with their kind and path, and the call's path.
 */
export function classify(model: ModelParts): Classification {
  const names = new NameIndex(model.dns, model.tls);
  const flowIdOf = new Map(model.flows.map((f) => [`${f.transport}|${f.client.ip}|${f.client.port}|${f.server.ip}|${f.server.port}`, f.id]));
  const dnsByFlow = new Map<string, DnsTransaction[]>();
  for (const t of model.dns) {
    const id = flowIdOf.get(`${t.transport}|${t.client.ip}|${t.client.port}|${t.server.ip}|${t.server.port}`);
    if (id) dnsByFlow.set(id, [...(dnsByFlow.get(id) ?? []), t]);
  }
  const stunByFlow = byFlow(model.stun);
  const rtpFlows = new Set(model.rtp.streams.map((s) => s.flowId));
  const mediaFlows = new Set([...rtpFlows, ...stunByFlow.keys()]);

  const relays = relayFrames(model.stun, model.tls);
  const { roles, clients } = classifyAddresses({ flows: model.flows, names, mediaFlows, relays });

  const sources = { names, dnsByFlow, tlsByFlow: byFlow(model.tls), stunByFlow, rtpFlows };
  for (const flow of model.flows) flow.service = classifyFlowService(flow, sources);
  const malformed = new Set(model.capture.malformedPackets ?? []);
  const nat = summarizeNat(model.stun, clients, names, malformed, model.tls);
  const media = classifyMedia({
    streams: model.rtp.streams,
    rtcp: model.rtp.rtcp,
    flows: new Map(model.flows.map((f: Flow) => [f.id, f])),
    clients,
    relays,
    relayNames: (ip) => [...new Set(names.namesOf(ip).map((s) => s.name))],
  });
  const call = summarizeCall(media);
  return call ? { names, addresses: roles, nat, media, call } : { names, addresses: roles, nat, media };
}
