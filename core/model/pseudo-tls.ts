import { classifyAddress } from '../knowledge/ranges.js';
import type { StunMessage, TlsHandshake } from '../schema/generated/report.js';
import type { TcpStun } from '../tshark/tcp-stun.js';
import { count } from '../util/plural.js';
import { turnMessages } from './turn.js';

/**
 * Packets past which a relay's TCP connection carries a call's media, not only its allocation and refreshes (a
 * fallback candidate exchanges a handful): media at 50 packets/s passes it in two seconds.
 */
const MEDIA_OVER_TCP_PACKETS = 100;

/** The connections to a media relay, in its pseudo-TLS framing, that carry a call's media: UDP was blocked or not tried. */
export function tcpRelayMediaFlows<F extends { id: string; packets: number }>(
  handshakes: readonly TlsHandshake[],
  flows: readonly F[],
): F[] {
  const relayFlows = new Set(handshakes.filter((h) => h.pseudoTls && h.protocol === 'tls').map((h) => h.flowId));
  return flows.filter((f) => relayFlows.has(f.id) && f.packets >= MEDIA_OVER_TCP_PACKETS);
}

/**
 * Confirms the handshakes shaped like Teams' relay pseudo-TLS with what tshark found in their streams
 * (core/tshark/tcp-stun.ts): a handshake whose stream carries no STUN message is TLS after all and loses the
 * mark — unless other connections to the same server carry STUN, the address serves TURN over UDP in the
 * capture (a connection closed right after its handshake), or the address is a Teams transport relay's by
 * Microsoft's published media range or by a name under relay.teams.microsoft.com this capture's DNS resolved
 * to it (a fallback candidate the client dropped once UDP worked). When tshark could not look, every handshake
 * keeps the shape-only mark, and its reason says why the STUN was not checked.
 */
export function confirmPseudoTls(
  handshakes: readonly TlsHandshake[],
  found: TcpStun,
  stun: readonly StunMessage[],
  dnsNamesOf: (ip: string) => readonly string[] = () => [],
): void {
  const candidates = handshakes.filter((h) => h.pseudoTls);
  if ('unchecked' in found) {
    for (const h of candidates) h.pseudoTls!.reason += `; ${found.unchecked}`;
    return;
  }
  const stunFrames = found.framesByFlow;
  const endpoint = (h: TlsHandshake) => `${h.server.ip}|${h.server.port}`;
  const confirmedServers = new Set(candidates.filter((h) => stunFrames.has(h.flowId)).map(endpoint));
  let turnServers: ReadonlySet<string> | undefined; // only a handshake with no STUN of its own, a rare one, asks
  for (const h of candidates) {
    const frames = stunFrames.get(h.flowId) ?? [];
    if (frames.length) {
      h.pseudoTls!.stunFrames = [...frames];
      h.pseudoTls!.reason += `; ${count(frames.length, 'record')} after it carry STUN/TURN in clear (magic cookie 0x2112A442 at byte 8)`;
    } else if (confirmedServers.has(endpoint(h))) {
      // A connection closed right after the handshake, beside others to the same server that do carry TURN.
      h.pseudoTls!.reason +=
        '; no record follows it, but other connections to the same server carry STUN/TURN in clear';
    } else if ((turnServers ??= turnServerAddresses(stun)).has(h.server.ip)) {
      h.pseudoTls!.reason += '; no record follows it, but the same address serves TURN over UDP in this capture';
    } else {
      // The client tried the relay over TCP as a fallback candidate and dropped it once UDP worked.
      const mediaRange = teamsMediaRange(h.server.ip);
      const relayName = dnsNamesOf(h.server.ip).find(isTransportRelayName);
      const support = [
        ...(mediaRange ? [`${h.server.ip} is in ${mediaRange}`] : []),
        ...(relayName ? [`this capture's DNS resolved ${relayName} to ${h.server.ip}`] : []),
      ];
      if (support.length)
        h.pseudoTls!.reason += `; no record follows it (a relay fallback candidate, unused), and ${support.join(', and ')}`;
      else delete h.pseudoTls;
    }
  }
}

/**
 * Teams transport relays' DNS domain (core/knowledge/services.json, `*.relay.teams.microsoft.com`: Microsoft 365
 * endpoint set 12 names it, set 11 holds the relays' addresses); the name itself or one under it.
 */
function isTransportRelayName(name: string): boolean {
  return /(^|\.)relay\.teams\.microsoft\.com\.?$/i.test(name);
}

/** Microsoft's published Teams media range (endpoint set 11, the relays' "Optimize" ranges) an address is in. */
function teamsMediaRange(ip: string): string | undefined {
  const range = classifyAddress(ip).microsoft;
  return range?.service === 'teams-calling' ? `Microsoft's Teams media range ${range.prefix}` : undefined;
}

/** The addresses of the servers the TURN messages went to or came from. */
function turnServerAddresses(stun: readonly StunMessage[]): Set<string> {
  return new Set(turnMessages(stun).map(({ server }) => server.ip));
}
