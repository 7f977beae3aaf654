import { isIP } from 'node:net';
import { isHostingPlatform, serviceForName, type CatalogMatch } from '../knowledge/catalog.js';
import { classifyAddress } from '../knowledge/ranges.js';
import { STUN_ATTRIBUTE } from '../model/stun-registry.js';
import { hex } from '../util/display-filter.js';
import type { DnsTransaction, Evidence, FlowService, StunMessage, TlsHandshake } from '../schema/generated/report.js';
import type { ModelFlow } from '../model/flows.js';
import type { NameIndex } from '../summaries/names.js';

type ServiceName = FlowService['name'];

const TEAMS_FAMILY: ReadonlySet<ServiceName> = new Set(['teams', 'teams-calling']);

/** Microsoft attributes only Microsoft's STUN/TURN stack sends (MS-TURN, MS-ICE2). */
const MICROSOFT_STUN_ATTRIBUTES: ReadonlySet<number> = new Set([
  STUN_ATTRIBUTE.MS_VERSION,
  STUN_ATTRIBUTE.MS_APP_ID,
  STUN_ATTRIBUTE.MS_SEQUENCE_NUMBER,
  STUN_ATTRIBUTE.MS_SERVICE_QUALITY,
  STUN_ATTRIBUTE.MS_IMPLEMENTATION_VERSION,
  STUN_ATTRIBUTE.MS_ALT_MAPPED_ADDRESS,
  STUN_ATTRIBUTE.MS_MULTIPLEXED_TURN_SESSION_ID,
]);

/** UDP ports of Teams transport relays (Microsoft 365 endpoints, Skype id 11). */
export const RELAY_PORTS: ReadonlySet<number> = new Set([3478, 3479, 3480, 3481]);

export function isRelayPort(flow: ModelFlow): boolean {
  return flow.transport === 'udp' && flow.server.port !== undefined && RELAY_PORTS.has(flow.server.port);
}

export interface FlowEvidenceSources {
  names: NameIndex;
  dnsByFlow: Map<string, DnsTransaction[]>;
  tlsByFlow: Map<string, TlsHandshake[]>;
  stunByFlow: Map<string, StunMessage[]>;
  rtpFlows: Set<string>;
}

/**
 * The catalog's answer for a name, or, when the name only names a hosting platform (a Traffic Manager
 * profile, a cloudapp host) and this capture shows a CNAME chain leading to it, the answer for the chain's
 * first name: c-flightproxy-euno-01-teams.cloudapp.net serves api.flightproxy.teams.microsoft.com.
 */
function serviceOf(name: string, names: NameIndex): { match: CatalogMatch; why: string } | undefined {
  const own = serviceForName(name);
  if (own && !isHostingPlatform(own.service)) return { match: own, why: own.pattern };
  const head = names.chainHeadOf(name);
  const inherited = head ? serviceForName(head) : undefined;
  if (inherited && !isHostingPlatform(inherited.service))
    return { match: inherited, why: `alias of ${head}: ${inherited.pattern}` };
  return own && { match: own, why: own.pattern };
}

/**
 * Which service a flow belongs to, strongest evidence first: the name the client asked for (SNI), the names
 * a DNS flow looks up, the names this capture's DNS gave the server's address, Microsoft's STUN attributes,
 * Microsoft's published address ranges. A port is never enough on its own.
 */
export function classifyFlowService(flow: ModelFlow, sources: FlowEvidenceSources): FlowService {
  const evidence: Evidence[] = [];
  const found = (name: ServiceName, role?: string): FlowService => {
    const service: FlowService = { name, teams: TEAMS_FAMILY.has(name), evidence };
    if (role) service.role = role;
    return service;
  };

  for (const handshake of sources.tlsByFlow.get(flow.id) ?? []) {
    if (handshake.pseudoTls) {
      evidence.push({
        kind: 'stun',
        detail: `pseudo-TLS handshake then MS-TURN in clear on TCP ${flow.server.port} (a Teams transport relay)`,
        frames: [handshake.clientHello!.frame, ...handshake.pseudoTls.stunFrames.slice(0, 4)],
      });
      return found('teams-calling', `Teams media relay over TCP ${flow.server.port} (MS-TURN in pseudo-TLS framing)`);
    }
    const sni = handshake.clientHello?.sni;
    if (!sni || isIP(sni)) continue; // an address literal names nothing (see NameIndex)
    const named = serviceOf(sni, sources.names);
    evidence.push({
      kind: 'sni',
      detail: `${handshake.protocol === 'quic' ? 'QUIC' : 'TLS'} SNI ${sni}${named ? ` (${named.why})` : ''}`,
      frames: [handshake.clientHello!.frame],
    });
    return named ? found(named.match.service, named.match.role) : found('other-app');
  }

  const queries = sources.dnsByFlow.get(flow.id);
  if (queries?.length) {
    const matches = queries.map((t) => ({ t, named: serviceOf(t.name, sources.names) }));
    const best =
      matches.find((m) => m.named && TEAMS_FAMILY.has(m.named.match.service)) ??
      matches.find((m) => m.named) ??
      matches[0]!;
    evidence.push({
      kind: 'dns-query',
      detail: `looks up ${best.t.name}${best.named ? ` (${best.named.why})` : ''}${queries.length > 1 ? ` and ${queries.length - 1} other name(s)` : ''}`,
      frames: [best.t.queryFrame ?? best.t.responseFrame!],
    });
    return best.named ? found(best.named.match.service, best.named.match.role) : found('other-app');
  }

  for (const sighting of sources.names.namesOf(flow.server.ip)) {
    const named = serviceOf(sighting.name, sources.names);
    if (!named) continue;
    evidence.push({
      kind: 'dns-answer',
      detail: `${flow.server.ip} is ${sighting.name} (${named.why}) in this capture's DNS`,
      frames: sighting.frames.slice(0, 5),
    });
    return found(named.match.service, named.match.role);
  }

  const microsoftStun = (sources.stunByFlow.get(flow.id) ?? []).filter((m) =>
    m.attributes.some((a) => MICROSOFT_STUN_ATTRIBUTES.has(a.code)),
  );
  const range = classifyAddress(flow.server.ip).microsoft ?? classifyAddress(flow.client.ip).microsoft;
  if (microsoftStun.length) {
    const names = [
      ...new Set(
        microsoftStun.flatMap((m) =>
          m.attributes.filter((a) => MICROSOFT_STUN_ATTRIBUTES.has(a.code)).map((a) => a.name ?? hex(a.code, 0)),
        ),
      ),
    ];
    evidence.push({
      kind: 'stun',
      detail: `STUN with Microsoft attributes ${names.join(', ')}`,
      frames: microsoftStun.slice(0, 5).map((m) => m.frame),
    });
    if (sources.rtpFlows.has(flow.id))
      evidence.push({ kind: 'rtp', detail: 'RTP media in the same flow', frames: [flow.firstFrame] });
    if (range)
      evidence.push({
        kind: 'address-range',
        detail: `${range.prefix} (Microsoft ${range.serviceArea})`,
        frames: [flow.firstFrame],
      });
    return found('teams-calling', 'Teams call media and connectivity checks (ICE/TURN)');
  }
  if (range) {
    evidence.push({
      kind: 'address-range',
      detail: `${flow.server.ip} is in ${range.prefix} (Microsoft ${range.serviceArea})`,
      frames: [flow.firstFrame],
    });
    if (range.serviceArea === 'Skype' && isRelayPort(flow)) {
      evidence.push({
        kind: 'port',
        detail: `UDP ${flow.server.port}, a Teams transport relay port`,
        frames: [flow.firstFrame],
      });
      return found('teams-calling', 'Teams media relay (TURN)');
    }
    // The same Skype ranges serve signalling over TCP 443: media only on the relay ports.
    return found(range.service === 'teams-calling' ? 'teams' : (range.service as ServiceName));
  }
  const azure = classifyAddress(flow.server.ip).azure;
  if (azure) {
    evidence.push({
      kind: 'address-range',
      detail: `${flow.server.ip} is in ${azure.prefix} (Azure, Service Tags of ${azure.version})`,
      frames: [flow.firstFrame],
    });
    return found('azure');
  }
  return found('unknown');
}
