import ipaddr from 'ipaddr.js';
import type {
  Application,
  Certificate,
  DecryptedRequest,
  Endpoint,
  Finding,
  Flow,
  DnsTransaction,
  MediaStream,
  NamedCode,
  Report,
  QualityThreshold,
  QualityWindow,
  StreamQuality,
  TlsHandshake,
} from '../schema/generated/report.js';
import { absoluteTime, type Column, type TableDefinition } from './schema.js';
import { LISTED_AT_EACH_END } from '../model/capped-list.js';
import { communityId, IP_PROTOCOL } from './community-id.js';
import { reportEnum } from './report-enums.js';

/**
 * The dataset's tables, one definition each: which rows a report gives and what each column means. A new table
 * (quality windows, when the report has them) is one more entry in REPORT_TABLES; nothing else changes.
 */

type Segment = Application['timeline'][number] & { index: number };

const codeName = (code: NamedCode | undefined) => (code ? (code.name ?? String(code.code)) : null);
const names = (codes: NamedCode[]) => codes.map((c) => c.name ?? String(c.code));

/** ECS network.type of an address. */
const ipVersion = (ip: string) => (ip.includes(':') ? 'ipv6' : 'ipv4');

/** The flow's Community ID v1 (seed 0), computed on its client and server endpoints; null for an address it cannot read. */
const flowCommunityId = (flow: Flow) =>
  ipaddr.isValid(flow.client.ip) && ipaddr.isValid(flow.server.ip)
    ? communityId({
        protocol: IP_PROTOCOL[flow.transport],
        sourceIp: flow.client.ip,
        destinationIp: flow.server.ip,
        sourcePort: flow.client.port,
        destinationPort: flow.server.port,
      })
    : null;

/**
 * Application protocols as ECS network.protocol names them, the most specific first: the first of these a flow
 * carries is its protocol. tshark's other layers (data, pkcs-1, x509…) are payload or parts of these, not one.
 */
const APPLICATION_PROTOCOLS = [
  'rtp',
  'rtcp',
  'dtls',
  'quic',
  'tls',
  'http2',
  'http',
  'dns',
  'mdns',
  'llmnr',
  'ssdp',
  'stun',
  'ntp',
  'dhcp',
  'dhcpv6',
  'nbns',
  'sip',
  'ssh',
] as const;

function applicationProtocol(protocols: readonly string[]): string | null {
  return APPLICATION_PROTOCOLS.find((p) => protocols.includes(p)) ?? null;
}

/** A row with the flow that carries it (by flows.flow_id), for the ECS network fields. */
type OnFlow<Row> = Row & { report: Report; flow: Flow | undefined };

function onFlows<Item extends { flowId: string }>(report: Report, items: readonly Item[]): OnFlow<Item>[] {
  const flows = new Map(report.flows.map((f) => [f.id, f]));
  return items.map((item) => ({ ...item, report, flow: flows.get(item.flowId) }));
}

/** ECS network.community_id, network.type and network.transport of the flow a row travels on. */
function flowNetworkFields<Row extends { flow: Flow | undefined; report: Report }>(): Column<Row>[] {
  return [
    {
      name: 'community_id',
      type: 'string',
      description: 'Community ID v1 of the flow carrying it',
      ecs: 'network.community_id',
      value: (r) => (r.flow ? flowCommunityId(r.flow) : null),
    },
    {
      name: 'ip_version',
      type: 'string',
      description: 'ipv4 or ipv6',
      ecs: 'network.type',
      value: (r) => (r.flow ? ipVersion(r.flow.client.ip) : null),
    },
    {
      name: 'transport',
      type: 'string',
      description: 'tcp or udp',
      ecs: 'network.transport',
      value: (r) => r.flow?.transport ?? null,
    },
    {
      name: 'flow_start_time',
      type: 'timestamp',
      description: 'Start of the flow carrying it (UTC)',
      ecs: 'event.start',
      value: (r) => (r.flow ? absoluteTime(r.report.capture.start, r.flow.start) : null),
    },
  ];
}

/** "TLS 1.2" → ECS tls.version_protocol "tls" and tls.version "1.2". */
function tlsVersionParts(name: string | null): { protocol: string; version: string } | null {
  const match = name && /^(SSL|TLS|DTLS) ?v?(\d+(?:\.\d+)?)$/i.exec(name);
  return match ? { protocol: match[1]!.toLowerCase(), version: match[2]! } : null;
}

/** The two columns of an endpoint: `<prefix>_ip`, `<prefix>_port`, mapped to ECS `<ecs>.ip`, `<ecs>.port`. */
function endpointColumns<Row>(
  prefix: string,
  what: string,
  endpoint: (row: Row) => Endpoint | undefined,
  ecs?: string,
): Column<Row>[] {
  return [
    {
      name: `${prefix}_ip`,
      type: 'ip',
      description: `${what}: IP address`,
      ecs: ecs && `${ecs}.ip`,
      value: (row) => endpoint(row)?.ip ?? null,
    },
    {
      name: `${prefix}_port`,
      type: 'int',
      description: `${what}: port`,
      ecs: ecs && `${ecs}.port`,
      value: (row) => endpoint(row)?.port ?? null,
    },
  ];
}

const capturesTable: TableDefinition<Report, Report> = {
  name: 'captures',
  description: 'What each capture is: its size, time span and what the user was doing.',
  grain: 'capture',
  rows: (report) => [report],
  columns: [
    {
      name: 'file',
      type: 'string',
      description: 'The capture path as given to teamshark',
      value: (r) => r.capture.file,
    },
    {
      name: 'file_bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Size of the capture file',
      value: (r) => r.capture.fileBytes,
    },
    {
      name: 'packets',
      type: 'int',
      unit: 'packets',
      description: 'Frames in the capture',
      value: (r) => r.capture.packets,
    },
    {
      name: 'bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Sum of frame lengths on the wire',
      value: (r) => r.capture.bytes,
    },
    { name: 'start_time', type: 'timestamp', description: 'First packet (UTC)', value: (r) => r.capture.start ?? null },
    { name: 'end_time', type: 'timestamp', description: 'Last packet (UTC)', value: (r) => r.capture.end ?? null },
    {
      name: 'duration_sec',
      type: 'float',
      unit: 's',
      description: 'Last packet minus first packet',
      value: (r) => r.capture.durationSec,
    },
    {
      name: 'link_types',
      type: 'string[]',
      description: 'Link-layer encapsulations, as tshark names them',
      value: (r) => r.capture.linkTypes ?? [],
    },
    {
      name: 'malformed_packets',
      type: 'int',
      unit: 'packets',
      description: 'Frames tshark marked as malformed',
      value: (r) => r.capture.malformedPacketsLeftOut?.total ?? r.capture.malformedPackets?.length ?? 0,
    },
    {
      name: 'dominant_activity',
      type: 'string',
      description: 'What the user mostly did',
      values: reportEnum('Application', 'dominantActivity'),
      value: (r) => r.application.dominantActivity,
    },
    {
      name: 'activity_confidence',
      type: 'string',
      description: 'How sure the activity is',
      values: reportEnum('Application', 'confidence'),
      value: (r) => r.application.confidence,
    },
    {
      name: 'activities',
      type: 'string[]',
      description: 'Every activity seen in the capture',
      values: reportEnum('Application', 'activities'),
      value: (r) => r.application.activities,
    },
    {
      name: 'call_path',
      type: 'string',
      description: 'How the call media went; null without a call',
      values: reportEnum('CallSummary', 'path'),
      value: (r) => r.call?.path ?? null,
    },
    {
      name: 'call_quality',
      type: 'string',
      description: 'The call’s verdict from its streams (stream_quality); null without RTP',
      values: reportEnum('CallQuality', 'verdict'),
      value: (r) => r.quality?.verdict ?? null,
    },
    {
      name: 'tls_sessions_decrypted',
      type: 'int',
      unit: 'sessions',
      description:
        'TLS sessions over TCP the key log decrypted (of decryption’s sessions); null when the export had no --keylog',
      value: (r) => r.decryption?.sessionsDecrypted ?? null,
    },
    {
      name: 'call_quality_reason',
      type: 'string',
      description: 'Why: the streams and thresholds behind the verdict',
      value: (r) => r.quality?.reason ?? null,
    },
    {
      name: 'behind_nat',
      type: 'bool',
      description: 'A STUN server reported a mapped address other than the local one',
      value: (r) => r.stun.summary.behindNat,
    },
    {
      name: 'public_ips',
      type: 'string[]',
      description: 'The client’s public addresses as STUN servers reported them',
      value: (r) => r.stun.summary.publicAddresses.map((a) => a.ip),
    },
    {
      name: 'tshark_version',
      type: 'string',
      description: 'The tshark that decoded the capture',
      value: (r) => r.capture.tshark.version,
    },
    {
      name: 'report_schema_version',
      type: 'string',
      description: 'Version of the JSON report the rows come from',
      value: (r) => r.schemaVersion,
    },
    {
      name: 'dns_lookups_left_out',
      type: 'int',
      description: `DNS transactions the report left out of its capped list, so not in dns_lookups (it lists the first and last ${LISTED_AT_EACH_END}); 0 when it lists them all`,
      value: (r) => r.dns.transactionsLeftOut?.count ?? 0,
    },
    {
      name: 'warnings',
      type: 'string[]',
      description: 'Codes of the analysis warnings (see the JSON report for their text)',
      value: (r) => r.warnings.map((w) => w.code),
    },
  ],
};

const flowsTable: TableDefinition<Report, Flow & { report: Report }> = {
  name: 'flows',
  description: 'TCP connections and UDP conversations (tshark streams), with the service each one reaches.',
  grain: 'flow (tshark tcp.stream / udp.stream)',
  rows: (report) => report.flows.map((flow) => ({ ...flow, report })),
  columns: [
    {
      name: 'flow_id',
      type: 'string',
      description: 'Transport and tshark stream index, e.g. tcp:3',
      value: (f) => f.id,
    },
    {
      name: 'transport',
      type: 'string',
      description: 'The transport',
      ecs: 'network.transport',
      values: reportEnum('Flow', 'transport'),
      value: (f) => f.transport,
    },
    { name: 'stream', type: 'int', description: 'tshark’s tcp.stream or udp.stream index', value: (f) => f.stream },
    {
      name: 'community_id',
      type: 'string',
      description: 'Community ID v1 flow hash (seed 0), as Zeek, Suricata and Arkime compute it: joins with their logs',
      ecs: 'network.community_id',
      value: (f) => flowCommunityId(f),
    },
    {
      name: 'ip_version',
      type: 'string',
      description: 'ipv4 or ipv6',
      ecs: 'network.type',
      value: (f) => ipVersion(f.client.ip),
    },
    ...endpointColumns<Flow>('client', 'The side that opened the flow', (f) => f.client, 'source'),
    ...endpointColumns<Flow>('server', 'The side the flow was opened to', (f) => f.server, 'destination'),
    {
      name: 'client_by',
      type: 'string',
      description: 'How the client was told apart',
      values: reportEnum('Flow', 'clientBy'),
      value: (f) => f.clientBy,
    },
    {
      name: 'packets',
      type: 'int',
      unit: 'packets',
      description: 'Packets both ways',
      ecs: 'network.packets',
      value: (f) => f.packets,
    },
    {
      name: 'bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Frame bytes both ways',
      ecs: 'network.bytes',
      value: (f) => f.bytes,
    },
    {
      name: 'client_packets',
      type: 'int',
      unit: 'packets',
      description: 'Packets client → server',
      ecs: 'source.packets',
      value: (f) => f.clientToServer.packets,
    },
    {
      name: 'client_bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Frame bytes client → server',
      ecs: 'source.bytes',
      value: (f) => f.clientToServer.bytes,
    },
    {
      name: 'server_packets',
      type: 'int',
      unit: 'packets',
      description: 'Packets server → client',
      ecs: 'destination.packets',
      value: (f) => f.serverToClient.packets,
    },
    {
      name: 'server_bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Frame bytes server → client',
      ecs: 'destination.bytes',
      value: (f) => f.serverToClient.bytes,
    },
    {
      name: 'start_sec',
      type: 'float',
      unit: 's',
      description: 'First packet, seconds since the capture’s first packet',
      value: (f) => f.start,
    },
    {
      name: 'end_sec',
      type: 'float',
      unit: 's',
      description: 'Last packet, seconds since the capture’s first packet',
      value: (f) => f.end,
    },
    {
      name: 'start_time',
      type: 'timestamp',
      description: 'First packet (UTC)',
      ecs: 'event.start',
      value: (f) => absoluteTime(f.report.capture.start, f.start),
    },
    {
      name: 'end_time',
      type: 'timestamp',
      description: 'Last packet (UTC)',
      ecs: 'event.end',
      value: (f) => absoluteTime(f.report.capture.start, f.end),
    },
    {
      name: 'first_frame',
      type: 'int',
      unit: 'frame number',
      description: 'First frame of the flow in the capture',
      value: (f) => f.firstFrame,
    },
    {
      name: 'last_frame',
      type: 'int',
      unit: 'frame number',
      description: 'Last frame of the flow in the capture',
      value: (f) => f.lastFrame,
    },
    {
      name: 'protocols',
      type: 'string[]',
      description: 'Protocols above the transport that tshark found (its layer names: data, pkcs-1…)',
      value: (f) => f.protocols,
    },
    {
      name: 'application_protocol',
      type: 'string',
      description: `The application protocol: the first of ${APPLICATION_PROTOCOLS.join(', ')} the flow carries; null for none`,
      ecs: 'network.protocol',
      value: (f) => applicationProtocol(f.protocols),
    },
    {
      name: 'service',
      type: 'string',
      description: 'The service reached (teams, teams-calling, microsoft365, …, unknown); null when unclassified',
      value: (f) => f.service?.name ?? null,
    },
    {
      name: 'teams',
      type: 'bool',
      description: 'The service is part of Teams (teams or teams-calling)',
      value: (f) => f.service?.teams ?? false,
    },
    {
      name: 'service_role',
      type: 'string',
      description: 'What the service does, from Teamshark’s catalog',
      value: (f) => f.service?.role ?? null,
    },
    {
      name: 'service_evidence',
      type: 'string[]',
      description: 'Why: sni, dns-answer, address-range, stun, rtp, port, traffic …',
      value: (f) => (f.service?.evidence ?? []).map((e) => `${e.kind}: ${e.detail}`),
    },
    {
      name: 'filter',
      type: 'string',
      description: 'Wireshark display filter that shows the flow',
      value: (f) => f.filter,
    },
  ],
};

const dnsLookupsTable: TableDefinition<Report, DnsTransaction & { report: Report }> = {
  name: 'dns_lookups',
  description: `DNS, mDNS and LLMNR transactions: a query and its response, matched by tshark. A capture with more than ${2 * LISTED_AT_EACH_END} has only its first and last ${LISTED_AT_EACH_END} here, like its report: captures.dns_lookups_left_out counts the others.`,
  grain: 'query (with its response, when one came)',
  rows: (report) => report.dns.transactions.map((t) => ({ ...t, report })),
  columns: [
    { name: 'transaction_id', type: 'int', description: 'DNS transaction ID', value: (t) => t.id },
    {
      name: 'protocol',
      type: 'string',
      description: 'The name-resolution protocol',
      values: reportEnum('DnsTransaction', 'protocol'),
      value: (t) => t.protocol,
    },
    {
      name: 'transport',
      type: 'string',
      description: 'The transport',
      values: reportEnum('DnsTransaction', 'transport'),
      value: (t) => t.transport,
    },
    ...endpointColumns<DnsTransaction>('client', 'The asking side', (t) => t.client),
    ...endpointColumns<DnsTransaction>('server', 'The resolver asked', (t) => t.server),
    { name: 'name', type: 'string', description: 'The name queried', value: (t) => t.name },
    {
      name: 'query_type',
      type: 'string',
      description: 'Record type asked for (A, AAAA, HTTPS…)',
      value: (t) => codeName(t.type),
    },
    {
      name: 'time_sec',
      type: 'float',
      unit: 's',
      description: 'Query time, seconds since the capture’s first packet',
      value: (t) => t.time,
    },
    {
      name: 'time',
      type: 'timestamp',
      description: 'Query time (UTC)',
      value: (t) => absoluteTime(t.report.capture.start, t.time),
    },
    {
      name: 'query_frame',
      type: 'int',
      unit: 'frame number',
      description: 'Frame of the query',
      value: (t) => t.queryFrame ?? null,
    },
    {
      name: 'response_frame',
      type: 'int',
      unit: 'frame number',
      description: 'Frame of the response; null when none came',
      value: (t) => t.responseFrame ?? null,
    },
    {
      name: 'rcode',
      type: 'string',
      description: 'Response code (No error, No such name…); null without a response',
      value: (t) => codeName(t.rcode),
    },
    {
      name: 'answers',
      type: 'int',
      unit: 'records',
      description: 'Records in the answer section',
      value: (t) => t.answers.length,
    },
    {
      name: 'cname_chain',
      type: 'string[]',
      description: 'The queried name, then each CNAME target in turn',
      value: (t) => t.chain?.names ?? [],
    },
    {
      name: 'addresses',
      type: 'string[]',
      description: 'A/AAAA answers for the last name of the chain',
      value: (t) => t.chain?.addresses ?? [],
    },
    {
      name: 'authenticated_data',
      type: 'bool',
      description: 'AD bit: the resolver says it validated the answer with DNSSEC',
      value: (t) => t.authenticatedData ?? null,
    },
    {
      name: 'dnssec_ok',
      type: 'bool',
      description: 'DO bit: the client asked for DNSSEC records',
      value: (t) => t.dnssecOk ?? null,
    },
    { name: 'truncated', type: 'bool', description: 'TC bit of the response', value: (t) => t.truncated ?? null },
  ],
};

/** The server's own certificate (position 0), which ECS describes under tls.server. */
const leafCertificate = (h: TlsHandshake) => h.certificates.find((c) => c.position === 0);

/**
 * An ECS tls.* field of a handshake. A relay's pseudo-TLS is MS-TURN, not TLS: it gets none, so it never counts in
 * a TLS dashboard (its figures stay under teamshark.tls_handshakes).
 */
function tlsField(
  ecs: string,
  type: Column<unknown>['type'],
  description: string,
  value: (h: TlsHandshake) => unknown,
): Column<OnFlow<TlsHandshake>> {
  return {
    name: ecs,
    type,
    description,
    ecs,
    value: (h) => (h.pseudoTls ? null : value(h)),
  };
}

/**
 * ECS's fields for the server's own certificate (ECS 8.11 TLS fields, and its x509 field set nested under
 * tls.server): the flat tls.server.* and tls.server.x509.*, as Packetbeat fills both, so a dashboard built on
 * either finds them. ECS asks for the serial number and hash in capitals, without colons.
 */
const serverCertificateFields = (
  [
    ['tls.server.issuer', 'string', 'issuer', (c) => c.issuer],
    ['tls.server.subject', 'string', 'subject', (c) => c.subject],
    ['tls.server.not_before', 'timestamp', 'not_before', (c) => c.notBefore],
    ['tls.server.not_after', 'timestamp', 'not_after', (c) => c.notAfter],
    ['tls.server.hash.sha256', 'string', 'SHA-256 fingerprint (in capitals)', (c) => c.sha256.toUpperCase()],
    ['tls.server.x509.issuer.distinguished_name', 'string', 'issuer', (c) => c.issuer],
    ['tls.server.x509.issuer.common_name', 'string[]', 'issuer CN', (c) => optionalList(c.issuerCommonName)],
    ['tls.server.x509.subject.distinguished_name', 'string', 'subject', (c) => c.subject],
    ['tls.server.x509.subject.common_name', 'string[]', 'subject CN', (c) => optionalList(c.subjectCommonName)],
    ['tls.server.x509.not_before', 'timestamp', 'not_before', (c) => c.notBefore],
    ['tls.server.x509.not_after', 'timestamp', 'not_after', (c) => c.notAfter],
    ['tls.server.x509.serial_number', 'string', 'serial number (in capitals)', (c) => c.serialNumber.toUpperCase()],
    ['tls.server.x509.alternative_names', 'string[]', 'subject alternative names', (c) => c.subjectAltNames],
  ] as const satisfies readonly [string, Column<unknown>['type'], string, (c: Certificate) => unknown][]
).map(([ecs, type, what, value]) =>
  tlsField(ecs, type, `${what} of the server’s own certificate`, (h) => {
    const leaf = leafCertificate(h);
    return leaf ? value(leaf) : null;
  }),
);

function optionalList(value: string | undefined): string[] {
  return value === undefined ? [] : [value];
}

const tlsHandshakesTable: TableDefinition<Report, OnFlow<TlsHandshake>> = {
  name: 'tls_handshakes',
  description:
    'TLS, DTLS and QUIC (TLS 1.3 in CRYPTO frames) handshakes: what the client offered and the server chose.',
  grain: 'handshake',
  rows: (report) => onFlows(report, report.tls.handshakes),
  columns: [
    {
      name: 'protocol',
      type: 'string',
      description: 'The protocol carrying the handshake',
      values: reportEnum('TlsHandshake', 'protocol'),
      value: (h) => h.protocol,
    },
    { name: 'flow_id', type: 'string', description: 'The flow carrying it (flows.flow_id)', value: (h) => h.flowId },
    ...endpointColumns<TlsHandshake>('client', 'Client', (h) => h.client, 'source'),
    ...endpointColumns<TlsHandshake>('server', 'Server', (h) => h.server, 'destination'),
    {
      name: 'sni',
      type: 'string',
      description: 'Server name the client asked for',
      value: (h) => h.clientHello?.sni ?? null,
    },
    {
      name: 'pseudo_tls',
      type: 'bool',
      description:
        'A Teams media relay reached over TCP in its pseudo-TLS framing (MS-TURN, not TLS): its version and suite belong in no TLS statistic',
      value: (h) => h.pseudoTls !== undefined,
    },
    {
      name: 'client_hello_frame',
      type: 'int',
      unit: 'frame number',
      description: 'Frame of the ClientHello',
      value: (h) => h.clientHello?.frame ?? null,
    },
    {
      name: 'offered_versions',
      type: 'string[]',
      description: 'supported_versions the client offered (empty: only the legacy version)',
      value: (h) => names(h.clientHello?.supportedVersions ?? []),
    },
    {
      name: 'offered_cipher_suites',
      type: 'string[]',
      description: 'Cipher suites offered, in the client’s order (IANA names)',
      value: (h) => names(h.clientHello?.cipherSuites ?? []),
    },
    {
      name: 'offered_alpn',
      type: 'string[]',
      description: 'ALPN protocols offered',
      value: (h) => h.clientHello?.alpn ?? [],
    },
    {
      name: 'ja3',
      type: 'string',
      description: 'JA3 of the ClientHello, as tshark computes it',
      value: (h) => h.clientHello?.ja3 ?? null,
    },
    {
      name: 'server_hello_frame',
      type: 'int',
      unit: 'frame number',
      description: 'Frame of the ServerHello; null when none was seen',
      value: (h) => h.serverHello?.frame ?? null,
    },
    {
      name: 'version',
      type: 'string',
      description: 'Negotiated version (TLS 1.2, TLS 1.3…)',
      value: (h) => codeName(h.serverHello?.version),
    },
    {
      name: 'cipher_suite',
      type: 'string',
      description: 'Cipher suite the server selected (IANA name)',
      value: (h) => codeName(h.serverHello?.cipherSuite),
    },
    {
      name: 'alpn',
      type: 'string',
      description: 'ALPN protocol the server selected',
      value: (h) => h.serverHello?.alpn ?? null,
    },
    {
      name: 'key_share_group',
      type: 'string',
      description: 'Key exchange group of the server’s key share',
      value: (h) => codeName(h.serverHello?.keyShareGroup),
    },
    {
      name: 'ja3s',
      type: 'string',
      description: 'JA3S of the ServerHello',
      value: (h) => h.serverHello?.ja3s ?? null,
    },
    {
      name: 'certificates',
      type: 'int',
      unit: 'certificates',
      description: 'Certificates the server sent in clear (TLS 1.2 and below)',
      value: (h) => h.certificates.length,
    },
    {
      name: 'alerts',
      type: 'string[]',
      description: 'Alert descriptions seen on the flow',
      value: (h) => h.alerts.map((a) => codeName(a.description)!),
    },
  ],
  ecsFields: [
    ...flowNetworkFields<OnFlow<TlsHandshake>>(),
    {
      name: 'network_protocol',
      type: 'string',
      description: 'protocol; stun for a relay’s pseudo-TLS (MS-TURN)',
      ecs: 'network.protocol',
      value: (h) => (h.pseudoTls ? 'stun' : h.protocol),
    },
    tlsField('tls.client.server_name', 'string', 'sni', (h) => h.clientHello?.sni ?? null),
    tlsField('tls.client.supported_ciphers', 'string[]', 'offered_cipher_suites', (h) =>
      names(h.clientHello?.cipherSuites ?? []),
    ),
    tlsField('tls.client.ja3', 'string', 'ja3', (h) => h.clientHello?.ja3 ?? null),
    tlsField('tls.server.ja3s', 'string', 'ja3s', (h) => h.serverHello?.ja3s ?? null),
    tlsField('tls.cipher', 'string', 'cipher_suite', (h) => codeName(h.serverHello?.cipherSuite)),
    tlsField('tls.next_protocol', 'string', 'alpn', (h) => h.serverHello?.alpn ?? null),
    tlsField(
      'tls.version_protocol',
      'string',
      'tls, dtls or ssl, from version',
      (h) => tlsVersionParts(codeName(h.serverHello?.version))?.protocol ?? null,
    ),
    tlsField(
      'tls.version',
      'string',
      'the number of version (1.2, 1.3)',
      (h) => tlsVersionParts(codeName(h.serverHello?.version))?.version ?? null,
    ),
    ...serverCertificateFields,
  ],
};

const certificatesTable: TableDefinition<Report, Certificate & { handshake: TlsHandshake }> = {
  name: 'certificates',
  description: 'Certificates servers sent in clear, as tshark decoded them (TLS 1.3 encrypts them: none there).',
  grain: 'certificate in a handshake’s chain',
  rows: (report) =>
    report.tls.handshakes.flatMap((handshake) => handshake.certificates.map((c) => ({ ...c, handshake }))),
  columns: [
    {
      name: 'flow_id',
      type: 'string',
      description: 'The flow carrying it (flows.flow_id)',
      value: (c) => c.handshake.flowId,
    },
    ...endpointColumns<Certificate & { handshake: TlsHandshake }>(
      'server',
      'Server that sent it',
      (c) => c.handshake.server,
    ),
    {
      name: 'sni',
      type: 'string',
      description: 'Server name the client asked for',
      value: (c) => c.handshake.clientHello?.sni ?? null,
    },
    {
      name: 'frame',
      type: 'int',
      unit: 'frame number',
      description: 'Frame of the Certificate message',
      value: (c) => c.frame,
    },
    {
      name: 'position',
      type: 'int',
      description: '0 for the server’s own certificate, then up the chain as sent',
      value: (c) => c.position,
    },
    { name: 'subject', type: 'string', description: 'Subject distinguished name', value: (c) => c.subject },
    { name: 'issuer', type: 'string', description: 'Issuer distinguished name', value: (c) => c.issuer },
    {
      name: 'subject_common_name',
      type: 'string',
      description: 'Subject CN',
      value: (c) => c.subjectCommonName ?? null,
    },
    { name: 'issuer_common_name', type: 'string', description: 'Issuer CN', value: (c) => c.issuerCommonName ?? null },
    { name: 'not_before', type: 'timestamp', description: 'Start of validity (UTC)', value: (c) => c.notBefore },
    { name: 'not_after', type: 'timestamp', description: 'End of validity (UTC)', value: (c) => c.notAfter },
    {
      name: 'subject_alt_names',
      type: 'string[]',
      description: 'DNS names and addresses the certificate covers',
      value: (c) => c.subjectAltNames,
    },
    { name: 'serial_number', type: 'string', description: 'Serial number, hex', value: (c) => c.serialNumber },
    {
      name: 'sha256',
      type: 'string',
      description: 'SHA-256 fingerprint of the DER certificate, hex',
      value: (c) => c.sha256,
    },
    {
      name: 'public_key',
      type: 'string',
      description: 'Algorithm and size, e.g. "rsa 2048", "ec prime256v1"',
      value: (c) => c.publicKey ?? null,
    },
  ],
};

/** The quality figures of an RTP stream on a flow, as the report's call quality has them. */
function qualityOf(report: Report, flowId: string, ssrc: string | undefined): StreamQuality | undefined {
  return ssrc === undefined ? undefined : report.quality?.streams.find((q) => q.ssrc === ssrc && q.flowId === flowId);
}

const mediaStreamsTable: TableDefinition<Report, OnFlow<MediaStream>> = {
  name: 'media_streams',
  description:
    'Call media: RTP streams (and media relayed inside TURN) with their kind, path and what RTCP says of them.',
  grain: 'media stream (an RTP SSRC, or a TURN-relayed flow)',
  rows: (report) => onFlows(report, report.media),
  columns: [
    { name: 'flow_id', type: 'string', description: 'The flow carrying it (flows.flow_id)', value: (m) => m.flowId },
    {
      name: 'ssrc',
      type: 'string',
      description: 'RTP SSRC, hex; null for media relayed inside TURN',
      value: (m) => m.ssrc ?? null,
    },
    { name: 'payload_types', type: 'int[]', description: 'RTP payload types seen', value: (m) => m.payloadTypes ?? [] },
    {
      name: 'kind',
      type: 'string',
      description: 'What the stream carries',
      values: reportEnum('MediaStream', 'kind'),
      value: (m) => m.kind,
    },
    {
      name: 'confidence',
      type: 'string',
      description: 'How sure kind is',
      values: reportEnum('MediaStream', 'confidence'),
      value: (m) => m.confidence,
    },
    { name: 'reason', type: 'string', description: 'Why this kind', value: (m) => m.reason },
    {
      name: 'packets',
      type: 'int',
      unit: 'packets',
      description: 'Packets of the stream',
      ecs: 'network.packets',
      value: (m) => m.packets,
    },
    {
      name: 'bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Frame bytes of the stream',
      ecs: 'network.bytes',
      value: (m) => m.bytes,
    },
    {
      name: 'duration_sec',
      type: 'float',
      unit: 's',
      description: 'Last packet minus first packet',
      value: (m) => m.durationSec,
    },
    { name: 'pps', type: 'float', unit: 'packets/s', description: 'Packet rate', value: (m) => m.pps },
    { name: 'kbps', type: 'float', unit: 'kbit/s', description: 'Bit rate of the frames', value: (m) => m.kbps },
    {
      name: 'direction',
      type: 'string',
      description: 'Seen from the capturing client',
      values: reportEnum('MediaStream', 'direction'),
      value: (m) => m.direction,
    },
    ...endpointColumns<MediaStream>('source', 'Sender', (m) => m.source, 'source'),
    ...endpointColumns<MediaStream>('destination', 'Receiver', (m) => m.destination, 'destination'),
    {
      name: 'path',
      type: 'string',
      description: 'How the media went',
      values: reportEnum('MediaStream', 'path'),
      value: (m) => m.path,
    },
    ...endpointColumns<MediaStream>('relay', 'TURN relay, when relayed', (m) => m.relay),
    {
      name: 'relay_names',
      type: 'string[]',
      description: 'Names the capture shows for the relay',
      value: (m) => m.relayNames ?? [],
    },
    {
      name: 'lost_packets',
      type: 'int',
      unit: 'packets',
      description:
        'Packets missing from the RTP sequence numbers seen (expected − received); null when the stream has no SSRC',
      value: (m) => m.report.rtp.streams.find((s) => s.ssrc === m.ssrc && s.flowId === m.flowId)?.lost ?? null,
    },
    {
      name: 'rtcp_reports',
      type: 'int',
      unit: 'reports',
      description: 'Readable RTCP reports about the stream',
      value: (m) => m.rtcp?.reports ?? 0,
    },
    {
      name: 'rtcp_fraction_lost_max',
      type: 'float',
      unit: 'fraction (0–1)',
      description: 'Highest fraction lost an RTCP report gave',
      value: (m) => m.rtcp?.fractionLostMax ?? null,
    },
    {
      name: 'rtcp_jitter_ms',
      type: 'float',
      unit: 'ms',
      description: 'Last interarrival jitter the receiver’s RTCP reported; null without a readable report',
      value: (m) => m.rtcp?.jitterMs ?? null,
    },
    {
      name: 'jitter_ms',
      type: 'float',
      unit: 'ms',
      description:
        'Mean interarrival jitter (RFC 3550 §6.4.1) measured on the packets as Wireshark does (stream_quality.jitter_mean_ms); null when the clock rate is unknown',
      value: (m) => qualityOf(m.report, m.flowId, m.ssrc)?.jitter?.meanMs ?? null,
    },
    {
      name: 'quality_verdict',
      type: 'string',
      description: 'The stream’s verdict (stream_quality.verdict); null without quality figures',
      values: reportEnum('StreamQuality', 'verdict'),
      value: (m) => qualityOf(m.report, m.flowId, m.ssrc)?.verdict ?? null,
    },
    {
      name: 'first_frame',
      type: 'int',
      unit: 'frame number',
      description: 'First frame of the stream',
      value: (m) => m.firstFrame,
    },
    {
      name: 'filter',
      type: 'string',
      description: 'Wireshark display filter that shows the stream',
      value: (m) => m.filter,
    },
  ],
  ecsFields: [
    ...flowNetworkFields<OnFlow<MediaStream>>(),
    {
      name: 'application_protocol',
      type: 'string',
      description: 'rtp for an RTP stream, else the protocol of its flow (stun for media inside TURN)',
      ecs: 'network.protocol',
      value: (m) => (m.ssrc ? 'rtp' : m.flow && applicationProtocol(m.flow.protocols)),
    },
  ],
};

/** A quality threshold as one line: "packet loss 14.6 > 10 %". */
const thresholdLine = (t: QualityThreshold) => `${t.metric} ${t.value} ${t.threshold}`;

/** The worst window of one kind: its value and start. */
function windowColumns(
  prefix: string,
  what: string,
  unit: string,
  window: (q: StreamQuality) => QualityWindow | undefined,
): Column<StreamQuality & { report: Report }>[] {
  return [
    {
      name: `${prefix}`,
      type: 'float',
      unit,
      description: `${what}: its value; null when the stream is too short for one`,
      value: (q) => window(q)?.value ?? null,
    },
    {
      name: `${prefix}_start_sec`,
      type: 'float',
      unit: 's',
      description: `${what}: its start, seconds since the capture’s first packet`,
      value: (q) => window(q)?.start ?? null,
    },
    {
      name: `${prefix}_target_met`,
      type: 'bool',
      description: `${what}: whether it meets Microsoft’s network target`,
      value: (q) => window(q)?.met ?? null,
    },
  ];
}

const streamQualityTable: TableDefinition<Report, StreamQuality & { report: Report }> = {
  name: 'stream_quality',
  description:
    'Call quality per RTP stream as the capture received it: loss, jitter, worst windows, round trip, DSCP and the verdict with the thresholds behind it (Microsoft’s Call Quality Dashboard classification, estimated from the packets). A stream seen on several flows (legs of a relayed call) has one row per flow.',
  grain: 'RTP stream on a flow (ssrc, flow_id)',
  rows: (report) => (report.quality?.streams ?? []).map((q) => ({ ...q, report })),
  columns: [
    { name: 'flow_id', type: 'string', description: 'The flow carrying it (flows.flow_id)', value: (q) => q.flowId },
    { name: 'ssrc', type: 'string', description: 'RTP SSRC, hex (media_streams.ssrc)', value: (q) => q.ssrc },
    {
      name: 'kind',
      type: 'string',
      description: 'What the stream carries',
      values: reportEnum('StreamQuality', 'kind'),
      value: (q) => q.kind,
    },
    {
      name: 'direction',
      type: 'string',
      description: 'Seen from the capturing client',
      values: reportEnum('StreamQuality', 'direction'),
      value: (q) => q.direction,
    },
    {
      name: 'path',
      type: 'string',
      description: 'The network path of this leg',
      values: reportEnum('StreamQuality', 'path'),
      value: (q) => q.path,
    },
    ...endpointColumns<StreamQuality>('source', 'Sender', (q) => q.source),
    ...endpointColumns<StreamQuality>('destination', 'Receiver', (q) => q.destination),
    {
      name: 'packets',
      type: 'int',
      unit: 'packets',
      description: 'Packets received',
      value: (q) => q.packets,
    },
    {
      name: 'expected_packets',
      type: 'int',
      unit: 'packets',
      description: 'Last sequence number − first + 1 (wrap-arounds extended)',
      value: (q) => q.expected,
    },
    {
      name: 'lost_packets',
      type: 'int',
      unit: 'packets',
      description:
        'Expected − received, as tshark’s -z rtp,streams counts it (negative when duplicates outnumber losses)',
      value: (q) => q.lost,
    },
    { name: 'loss_percent', type: 'float', unit: '%', description: 'Lost of expected', value: (q) => q.lossPercent },
    { name: 'duplicates', type: 'int', unit: 'packets', description: 'Packets seen twice', value: (q) => q.duplicates },
    {
      name: 'reordered',
      type: 'int',
      unit: 'packets',
      description: 'Packets that arrived after one with a higher sequence number',
      value: (q) => q.reordered,
    },
    {
      name: 'clock_rate',
      type: 'int',
      unit: 'Hz',
      description: 'RTP clock rate; null when unknown',
      value: (q) => q.clock.rate ?? null,
    },
    {
      name: 'jitter_mean_ms',
      type: 'float',
      unit: 'ms',
      description:
        'Mean interarrival jitter (RFC 3550 §6.4.1, as Wireshark’s RTP Stream Analysis); null when the clock rate is unknown',
      value: (q) => q.jitter?.meanMs ?? null,
    },
    {
      name: 'jitter_max_ms',
      type: 'float',
      unit: 'ms',
      description: 'Highest interarrival jitter',
      value: (q) => q.jitter?.maxMs ?? null,
    },
    {
      name: 'max_delta_ms',
      type: 'float',
      unit: 'ms',
      description: 'Longest time between consecutive packets',
      value: (q) => q.maxDeltaMs,
    },
    ...windowColumns('worst_loss_15s_percent', 'Worst 15 s window of packet loss', '%', (q) => q.windows.loss15s),
    ...windowColumns('worst_jitter_15s_ms', 'Worst 15 s window of jitter', 'ms', (q) => q.windows.jitter15s),
    ...windowColumns(
      'worst_burst_loss_200ms_percent',
      'Worst 200 ms burst of packet loss',
      '%',
      (q) => q.windows.burstLoss200ms,
    ),
    {
      name: 'round_trip_ms',
      type: 'float',
      unit: 'ms',
      description: 'Median round trip to the stream’s relay or peer, from STUN transactions; null without one',
      value: (q) => q.roundTripMs ?? null,
    },
    {
      name: 'dscp',
      type: 'int[]',
      description: 'DSCP values the packets carried, the most used first',
      value: (q) => [...q.dscp].sort((a, b) => b.packets - a.packets).map((d) => d.value),
    },
    {
      name: 'expected_dscp',
      type: 'int',
      description: 'What Microsoft’s Teams QoS guidance assigns to this kind of media',
      value: (q) => q.expectedDscp ?? null,
    },
    {
      name: 'frame_rate',
      type: 'float',
      unit: 'frames/s',
      description: 'Media frames per second (video and screen sharing); null otherwise',
      value: (q) => q.frameRate ?? null,
    },
    {
      name: 'verdict',
      type: 'string',
      description: 'Call Quality Dashboard classification of a stream the capturing host received',
      values: reportEnum('StreamQuality', 'verdict'),
      value: (q) => q.verdict,
    },
    {
      name: 'poor_because',
      type: 'string[]',
      description:
        'The poor-stream thresholds it crosses (the rules behind a poor verdict), e.g. "packet loss 14.6 > 10 %"',
      value: (q) => q.crossed.map(thresholdLine),
    },
    {
      name: 'not_judged_because',
      type: 'string',
      description: 'Why a stream has no verdict; null when judged',
      value: (q) => q.notJudgedBecause ?? null,
    },
    {
      name: 'targets_missed',
      type: 'string[]',
      description: 'Microsoft’s network targets some window of the stream misses',
      value: (q) => q.targetsMissed.map(thresholdLine),
    },
    {
      name: 'auxiliary_to',
      type: 'string',
      description: 'SSRC of the main stream this one repairs or layers (not judged on its own); null otherwise',
      value: (q) => q.auxiliaryTo ?? null,
    },
    {
      name: 'first_frame',
      type: 'int',
      unit: 'frame number',
      description: 'First frame of the stream',
      value: (q) => q.firstFrame,
    },
    {
      name: 'filter',
      type: 'string',
      description: 'Wireshark display filter that shows the stream',
      value: (q) => q.filter,
    },
  ],
};

const activitySegmentsTable: TableDefinition<Report, Segment & { report: Report }> = {
  name: 'activity_segments',
  description: 'The capture cut into stretches of one activity (idle, chat, file, audio, video, screenshare).',
  grain: 'segment of the activity timeline',
  rows: (report) => report.application.timeline.map((s, index) => ({ ...s, index, report })),
  columns: [
    { name: 'segment', type: 'int', description: 'Position in the capture’s timeline, from 0', value: (s) => s.index },
    {
      name: 'start_sec',
      type: 'float',
      unit: 's',
      description: 'Start, seconds since the capture’s first packet',
      value: (s) => s.start,
    },
    {
      name: 'end_sec',
      type: 'float',
      unit: 's',
      description: 'End, seconds since the capture’s first packet',
      value: (s) => s.end,
    },
    {
      name: 'start_time',
      type: 'timestamp',
      description: 'Start (UTC)',
      value: (s) => absoluteTime(s.report.capture.start, s.start),
    },
    {
      name: 'activity',
      type: 'string',
      description: 'The segment’s main activity',
      values: reportEnum('Activity'),
      value: (s) => s.activity,
    },
    {
      name: 'activities',
      type: 'string[]',
      description: 'Everything seen in the segment',
      values: reportEnum('Activity'),
      value: (s) => s.activities,
    },
    {
      name: 'confidence',
      type: 'string',
      description: 'How sure the activity is',
      values: reportEnum('Application', 'timeline', 'confidence'),
      value: (s) => s.confidence,
    },
    { name: 'evidence', type: 'string[]', description: 'The traffic the label rests on', value: (s) => s.evidence },
  ],
};

/** A finding with its id made unique in the capture: two findings a rule names alike get #2, #3… after the id. */
type NumberedFinding = Finding & { uniqueId: string; report: Report };

function numberedFindings(report: Report): NumberedFinding[] {
  const seen = new Map<string, number>();
  return report.findings.map((finding) => {
    const n = (seen.get(finding.id) ?? 0) + 1;
    seen.set(finding.id, n);
    return { ...finding, uniqueId: n === 1 ? finding.id : `${finding.id}#${n}`, report };
  });
}

const findingsTable: TableDefinition<Report, NumberedFinding> = {
  name: 'findings',
  description: 'What Teamshark found worth saying, each with its frames and a display filter.',
  grain: 'finding',
  rows: numberedFindings,
  columns: [
    {
      name: 'finding_id',
      type: 'string',
      description:
        'Stable kind of finding, then what it is about; unique in the capture (a second finding of the same id gets #2)',
      ecs: 'rule.id',
      value: (f) => f.uniqueId,
    },
    {
      name: 'kind',
      type: 'string',
      description: 'The finding’s kind: its id up to the first slash',
      ecs: 'rule.name',
      value: (f) => f.id.split('/')[0],
    },
    {
      name: 'section',
      type: 'string',
      description: 'The report section it is listed in',
      ecs: 'rule.category',
      values: reportEnum('Finding', 'section'),
      value: (f) => f.section,
    },
    {
      name: 'severity',
      type: 'string',
      description: 'How much it matters',
      ecs: 'log.level',
      values: reportEnum('Finding', 'severity'),
      value: (f) => f.severity,
    },
    {
      name: 'time_sec',
      type: 'float',
      unit: 's',
      description: 'Time of its first frame, seconds since the capture’s first packet',
      value: (f) => f.time ?? null,
    },
    {
      name: 'time',
      type: 'timestamp',
      description: 'Time of its first frame (UTC)',
      ecs: 'event.start',
      value: (f) => absoluteTime(f.report.capture.start, f.time),
    },
    { name: 'title', type: 'string', description: 'One line', ecs: 'message', text: true, value: (f) => f.title },
    { name: 'detail', type: 'string', description: 'The explanation', ecs: 'event.reason', value: (f) => f.detail },
    {
      name: 'frames',
      type: 'int[]',
      unit: 'frame numbers',
      description: 'Frames that show it',
      value: (f) => f.frames,
    },
    {
      name: 'filter',
      type: 'string',
      description: 'Wireshark display filter that shows the evidence',
      value: (f) => f.filter,
    },
  ],
};

const decryptedRequestsTable: TableDefinition<Report, DecryptedRequest & { report: Report }> = {
  name: 'decrypted_requests',
  description:
    'HTTP requests inside TLS that tshark decrypted with the key log given to export --keylog: method, host, path template, status and sizes, never a secret, cookie, header value or body. Empty without a key log.',
  grain: 'decrypted HTTP request (with its response, when one came)',
  rows: (report) => (report.decryption?.requests ?? []).map((r) => ({ ...r, report })),
  columns: [
    { name: 'flow_id', type: 'string', description: 'The flow carrying it (flows.flow_id)', value: (r) => r.flowId },
    { name: 'frame', type: 'int', unit: 'frame number', description: 'Frame of the request', value: (r) => r.frame },
    {
      name: 'time_sec',
      type: 'float',
      unit: 's',
      description: 'Request time, seconds since the capture’s first packet',
      value: (r) => r.time,
    },
    {
      name: 'time',
      type: 'timestamp',
      description: 'Request time (UTC)',
      value: (r) => absoluteTime(r.report.capture.start, r.time),
    },
    {
      name: 'protocol',
      type: 'string',
      description: 'The HTTP version',
      values: reportEnum('DecryptedRequest', 'protocol'),
      value: (r) => r.protocol,
    },
    { name: 'method', type: 'string', description: 'HTTP method', value: (r) => r.method },
    { name: 'host', type: 'string', description: 'Host (or :authority) the request names', value: (r) => r.host },
    {
      name: 'path_template',
      type: 'string',
      description: 'The path with identifiers replaced by {id} and the query left out',
      value: (r) => r.pathTemplate,
    },
    {
      name: 'status',
      type: 'int',
      description: 'HTTP status of the response; null when none was seen',
      value: (r) => r.status ?? null,
    },
    {
      name: 'response_frame',
      type: 'int',
      unit: 'frame number',
      description: 'Frame of the response; null when none was seen',
      value: (r) => r.responseFrame ?? null,
    },
    {
      name: 'request_bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Length of the request body (never its content)',
      value: (r) => r.requestBytes ?? null,
    },
    {
      name: 'response_bytes',
      type: 'int',
      unit: 'bytes',
      description: 'Length of the response body',
      value: (r) => r.responseBytes ?? null,
    },
    {
      name: 'action',
      type: 'string',
      description: 'What the request does in Teams, when its method and path say so; null otherwise',
      values: reportEnum('DecryptedRequest', 'action'),
      value: (r) => r.action ?? null,
    },
  ],
};

/** Every table a report fills, in the order the documentation lists them. */
export const REPORT_TABLES = [
  capturesTable,
  flowsTable,
  dnsLookupsTable,
  tlsHandshakesTable,
  certificatesTable,
  mediaStreamsTable,
  streamQualityTable,
  activitySegmentsTable,
  findingsTable,
  decryptedRequestsTable,
] as unknown as readonly TableDefinition<Report, unknown>[];
