import type { Endpoint } from '../capture.js';
import { isIpv6 } from '../ip.js';
import type { Lookup, Session } from '../session.js';
import type { TlsSession } from '../tls-session.js';
import type { TlsVersionName } from '../tls.js';
import { API_CALLS } from './api.js';

/**
 * The hosts scenarios talk to: documentation and private addresses for the client side (RFC 1918, RFC 5737,
 * RFC 3849), Microsoft's published ranges for the services (core/knowledge/ranges.json), and the CNAME chains
 * real Teams lookups go through (Traffic Manager, Front Door edges, Azure cloud services).
 */
export const CLIENT = '192.168.1.20';
export const LAN_PEER = '192.168.1.34';
export const ROUTER = '192.168.1.1';
export const PUBLIC_ADDRESS = '203.0.113.45';
export const REMOTE_PEER = '198.51.100.77';
export const RELAY = '52.114.252.21';
export const RELAY_PORT = 3478;

export interface Service {
  lookup: Lookup;
  /** The service's IPv6 address (AAAA), from Microsoft's IPv6 ranges. */
  ipv6: string;
  /** The name the client sends in its SNI (the lookup's name). */
  sni: string;
  certificate: { commonName: string; subjectAltNames: string[] };
}

function service(
  name: string,
  aliases: string[],
  addresses: string[],
  ipv6: string,
  commonName: string,
  subjectAltNames: string[],
  authority?: Lookup['authority'],
): Service {
  return {
    lookup: { name, aliases, addresses, authority },
    ipv6,
    sni: name,
    certificate: { commonName, subjectAltNames },
  };
}

const TEAMS_NAMES = ['teams.microsoft.com', '*.teams.microsoft.com', '*.teams.office.com', 'teams.cloud.microsoft'];

export const SERVICES = {
  teams: service(
    'teams.microsoft.com',
    ['teams.office.com', 'tmc-g2.tm-4.office.com', 'teams-office-com.s-0005.s-msedge.net', 's-0005.s-msedge.net'],
    ['52.113.194.132'],
    '2620:1ec:42::132',
    'teams.microsoft.com',
    TEAMS_NAMES,
    'ns',
  ),
  config: service(
    'config.teams.microsoft.com',
    ['config.teams.trafficmanager.net', 'config-teams.s-0005.s-msedge.net', 's-0005.s-msedge.net'],
    ['52.113.194.132'],
    '2620:1ec:42::132',
    'teams.microsoft.com',
    TEAMS_NAMES,
  ),
  chat: service(
    'emea.ng.msg.teams.microsoft.com',
    ['emea.ng.msg.teams-msgapi.trafficmanager.net', 'msgapi-prod-weu-02-teams.cloudapp.net'],
    ['52.114.92.40'],
    '2603:1063:1:3::40',
    'teams.microsoft.com',
    TEAMS_NAMES,
  ),
  presence: service(
    'presence.teams.microsoft.com',
    ['presence-teams.trafficmanager.net', 'presence-prod-neu-01.cloudapp.net'],
    ['52.114.133.81'],
    '2603:1063:1:5::81',
    'teams.microsoft.com',
    TEAMS_NAMES,
  ),
  trouter: service(
    'go-eu.trouter.teams.microsoft.com',
    ['go-eu.trouter.teams.trafficmanager.net', 'trouter-weu-prod-3-0.cloudapp.net'],
    ['52.114.77.34'],
    '2603:1063:1:7::34',
    'teams.microsoft.com',
    TEAMS_NAMES,
  ),
  flightproxy: service(
    'api.flightproxy.teams.microsoft.com',
    ['api-flightproxy-teams.trafficmanager.net', 'c-flightproxy-euno-01-teams.cloudapp.net'],
    ['52.114.158.50'],
    '2603:1063:2:1::50',
    'teams.microsoft.com',
    TEAMS_NAMES,
  ),
  relay: service(
    'euaz.tr.teams.microsoft.com',
    ['euaz.tr.teams.trafficmanager.net'],
    [RELAY],
    '2603:1063:2:7::21',
    'teams.microsoft.com',
    TEAMS_NAMES,
  ),
  telemetry: service(
    'mobile.events.data.microsoft.com',
    ['mobile.events.data.trafficmanager.net', 'onedscolprdneu03.northeurope.cloudapp.azure.com'],
    ['20.189.173.14'],
    '2603:1030:800:5::bfee:a418',
    '*.events.data.microsoft.com',
    ['*.events.data.microsoft.com', 'events.data.microsoft.com'],
  ),
  login: service(
    'login.microsoftonline.com',
    ['login.mso.msidentity.com', 'ak.privatelink.msidentity.com', 'www.tm.ak.prd.aadg.trafficmanager.net'],
    ['20.190.159.2', '20.190.159.64'],
    '2603:1037:1:c8::8',
    'stamp2.login.microsoftonline.com',
    ['login.microsoftonline.com', '*.login.microsoftonline.com', 'stamp2.login.microsoftonline.com'],
  ),
  statics: service(
    'statics.teams.cdn.office.net',
    [
      'statics-teams-cdn.azurefd.net',
      'star-azurefd-prod.trafficmanager.net',
      'shed.dual-low.s-part-0017.t-0009.t-msedge.net',
      's-part-0017.t-0009.t-msedge.net',
    ],
    ['13.107.246.45'],
    '2620:1ec:bdf::45',
    '*.cdn.office.net',
    ['*.cdn.office.net', 'statics.teams.cdn.office.net'],
  ),
  sharepoint: service(
    'contoso-my.sharepoint.com',
    [
      'contoso.sharepoint.com',
      '1234-ipv4v6.farm.prodfarm.sharepointonline.com.akadns.net',
      '1234-ipv4v6e.clump.dprodmgd104.aa-rt.sharepoint.com',
    ],
    ['13.107.136.9'],
    '2620:1ec:8f8::9',
    '*.sharepoint.com',
    ['*.sharepoint.com', '*-my.sharepoint.com'],
  ),
} as const;

export type ServiceName = keyof typeof SERVICES;

/**
 * Looks up A and AAAA for a service the way Teams does at start-up. On an IPv4 network the AAAA answer is
 * empty, with the zone's SOA; on an IPv6-only one the A answer is.
 */
export function resolve(session: Session, time: number, name: ServiceName): number {
  const { lookup, ipv6 } = SERVICES[name];
  const empty = { name: lookup.name, aliases: lookup.aliases, addresses: [], authority: 'soa' as const };
  if (isIpv6(session.client)) {
    const answered = session.lookup(time, { ...lookup, type: 'AAAA', addresses: [ipv6] });
    session.lookup(time + 0.0004, { ...empty, type: 'A' });
    return answered;
  }
  const answered = session.lookup(time, lookup);
  session.lookup(time + 0.0004, { ...empty, type: 'AAAA' });
  return answered;
}

/** The service's address in the client's IP version. */
export function addressOf(session: Session, name: ServiceName): string {
  return isIpv6(session.client) ? SERVICES[name].ipv6 : SERVICES[name].lookup.addresses[0]!;
}

/** A TLS connection to a service, after its name was resolved; `bitsPerSecond` caps how fast the server's link is. */
export function connect(
  session: Session,
  time: number,
  name: ServiceName,
  version: TlsVersionName,
  cipherSuite: number,
  { bitsPerSecond }: { bitsPerSecond?: number } = {},
): TlsSession {
  const s = SERVICES[name];
  return session.tls(time, {
    ip: addressOf(session, name),
    sni: s.sni,
    api: API_CALLS[name],
    version,
    cipherSuite,
    certificate: session.certificate(s.certificate.commonName, s.certificate.subjectAltNames),
    ...(bitsPerSecond ? { bitsPerSecond } : {}),
  });
}

/**
 * Chat: messages posted and received over the messaging service, each a few hundred bytes to a few kB, and
 * each followed by the service's notification over the Trouter push channel (opened before the capture).
 */
export function chat(session: Session, connection: TlsSession, from: number, until: number): number {
  const push = pushChannel(session, from);
  let t = Math.max(from, connection.ready);
  while (t < until) {
    const answered = connection.exchange(t, session.random.int(600, 2500), session.random.int(300, 1800));
    t = push.exchange(answered + 0.05, 60, session.random.int(800, 2500), 0.005) + session.random.between(0.8, 2.5);
  }
  session.truth.activities.add('chat');
  return t;
}

/** The Trouter push channel, opened before the capture began: keep-alives, and notifications of new messages. */
export function pushChannel(session: Session, time: number): TlsSession {
  return session.tls(time, {
    ip: addressOf(session, 'trouter'),
    version: 'TLS 1.2',
    cipherSuite: 0xc030,
    certificate: session.certificate(
      SERVICES.trouter.certificate.commonName,
      SERVICES.trouter.certificate.subjectAltNames,
    ),
    established: true,
  });
}

/** Telemetry: a batch of usage events uploaded to the collector, acknowledged with a short response. */
export function telemetry(session: Session, time: number): number {
  const connection = connect(session, time, 'telemetry', 'TLS 1.2', 0xc030);
  const t = connection.exchange(connection.ready + 0.001, session.random.int(3000, 9000), 400);
  return connection.close(t + 0.05);
}

export function endpoint(ip: string, port: number): Endpoint {
  return { ip, port };
}
