import type {
  AddressRole,
  CallSummary,
  DnsTransaction,
  FlowService,
  MediaStream,
  NatSummary,
  Report,
  StunMessage,
  TlsHandshake,
} from '../schema/generated/report.js';
import { groupBy } from '../util/collections.js';
import type { ClassifiedFlow, ModelFlow } from '../model/flows.js';
import type { LinkHosts } from '../model/link-hosts.js';
import { capturingHost, requestSenders } from './capturing-host.js';
import { classifyAddresses } from './addresses.js';
import { classifyMedia, summarizeCall } from './media.js';
import type { NameIndex } from '../summaries/names.js';
import { relayFrames, summarizeNat } from './nat.js';
import { classifyFlowService } from './services.js';

/** What the classifiers decide; the model they read stays as it was. */
export interface Classification {
  /** The service of every flow, by flow id. */
  services: ReadonlyMap<string, FlowService>;
  addresses: AddressRole[];
  nat: NatSummary;
  media: MediaStream[];
  call?: CallSummary;
}

/** What the classifiers read: parts of the capture model. */
export interface ClassifierInputs {
  readonly capture: Pick<Report['capture'], 'malformedPackets'>;
  readonly flows: readonly ModelFlow[];
  readonly dns: readonly DnsTransaction[];
  readonly tls: readonly TlsHandshake[];
  readonly stun: readonly StunMessage[];
  readonly rtp: Report['rtp'];
  readonly linkHosts: LinkHosts;
}

function byFlow<T extends { flowId: string }>(items: readonly T[]): Map<string, T[]> {
  return groupBy(items, (item) => item.flowId);
}

/**
 * Runs the Teams classifiers over the capture model: a service for every flow, a role for every address, the
 * NAT and relay summary, media streams with their kind and path, and the call's path. `names` is what the
 * capture calls each address (the summaries' NameIndex).
 */
export function classify(model: ClassifierInputs, names: NameIndex): Classification {
  const flowIdOf = new Map(
    model.flows.map((f) => [`${f.transport}|${f.client.ip}|${f.client.port}|${f.server.ip}|${f.server.port}`, f.id]),
  );
  const dnsByFlow = groupBy(model.dns, (t) =>
    flowIdOf.get(`${t.transport}|${t.client.ip}|${t.client.port}|${t.server.ip}|${t.server.port}`),
  );
  const stunByFlow = byFlow(model.stun);
  const rtpFlows = new Set(model.rtp.streams.map((s) => s.flowId));
  const mediaFlows = new Set([...rtpFlows, ...stunByFlow.keys()]);

  const relays = relayFrames(model.stun, model.tls);
  const { roles, clients } = classifyAddresses({
    flows: model.flows,
    names,
    mediaFlows,
    relays,
    capturingHost: capturingHost(model.linkHosts),
    requestSenders: requestSenders({ ...model, relays }),
    groupDestinations: model.linkHosts.groupDestinations,
  });

  const sources = { names, dnsByFlow, tlsByFlow: byFlow(model.tls), stunByFlow, rtpFlows };
  const services = new Map(model.flows.map((flow) => [flow.id, classifyFlowService(flow, sources)]));
  const malformed = new Set(model.capture.malformedPackets ?? []);
  const nat = summarizeNat(model.stun, clients, names, malformed, model.tls);
  const media = classifyMedia({
    streams: model.rtp.streams,
    rtcp: model.rtp.rtcp,
    flows: new Map(model.flows.map((f) => [f.id, f])),
    clients,
    relays,
    relayNames: (ip) => [...new Set(names.namesOf(ip).map((s) => s.name))],
  });
  const call = summarizeCall(media);
  return call ? { services, addresses: roles, nat, media, call } : { services, addresses: roles, nat, media };
}

/** The model's flows with their services, as the report lists them. */
export function withServices(flows: readonly ModelFlow[], services: Classification['services']): ClassifiedFlow[] {
  return flows.map((flow) => {
    const service = services.get(flow.id);
    if (!service) throw new Error(`flow ${flow.id} has no service: the classification missed it`);
    return { ...flow, service };
  });
}
