import type {
  Application,
  Certificate,
  Endpoint,
  Finding,
  Flow,
  DnsTransaction,
  MediaStream,
  NamedCode,
  Report,
  TlsHandshake,
} from '../schema/generated/report.js';
import { absoluteTime, type Column, type TableDefinition } from './schema.js';
import { LISTED_AT_EACH_END } from '../model/capped-list.js';
import { REPORT_SECTIONS } from '../report/sections.js';

/**
 * The dataset's tables, one definition each: which rows a report gives and what each column means. A new table
 * (quality windows, when the report has them) is one more entry in REPORT_TABLES; nothing else changes.
 */

const SECTION_IDS = `${REPORT_SECTIONS.slice(0, -1)
  .map((s) => s.id)
  .join(', ')} or ${REPORT_SECTIONS.at(-1)!.id}`;

type Segment = Application['timeline'][number] & { index: number };

const codeName = (code: NamedCode | undefined) => (code ? (code.name ?? String(code.code)) : null);
const names = (codes: NamedCode[]) => codes.map((c) => c.name ?? String(c.code));

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
      description: 'What the user mostly did: idle, chat, file, call-setup, audio, video, screenshare, unknown',
      value: (r) => r.application.dominantActivity,
    },
    {
      name: 'activity_confidence',
      type: 'string',
      description: 'high, medium or low',
      value: (r) => r.application.confidence,
    },
    {
      name: 'activities',
      type: 'string[]',
      description: 'Every activity seen in the capture',
      value: (r) => r.application.activities,
    },
    {
      name: 'call_path',
      type: 'string',
      description: 'How the call media went: p2p-lan, p2p, relay, mixed; null without a call',
      value: (r) => r.call?.path ?? null,
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
      description: 'tcp or udp',
      ecs: 'network.transport',
      value: (f) => f.transport,
    },
    { name: 'stream', type: 'int', description: 'tshark’s tcp.stream or udp.stream index', value: (f) => f.stream },
    ...endpointColumns<Flow>('client', 'The side that opened the flow', (f) => f.client, 'source'),
    ...endpointColumns<Flow>('server', 'The side the flow was opened to', (f) => f.server, 'destination'),
    {
      name: 'client_by',
      type: 'string',
      description: 'How the client was told apart: syn, first-packet or port',
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
      description: 'Protocols above the transport that tshark found',
      ecs: 'network.protocol',
      value: (f) => f.protocols,
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
    { name: 'protocol', type: 'string', description: 'dns, mdns or llmnr', value: (t) => t.protocol },
    { name: 'transport', type: 'string', description: 'udp or tcp', value: (t) => t.transport },
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

const tlsHandshakesTable: TableDefinition<Report, TlsHandshake> = {
  name: 'tls_handshakes',
  description:
    'TLS, DTLS and QUIC (TLS 1.3 in CRYPTO frames) handshakes: what the client offered and the server chose.',
  grain: 'handshake',
  rows: (report) => report.tls.handshakes,
  columns: [
    { name: 'protocol', type: 'string', description: 'tls, dtls or quic', value: (h) => h.protocol },
    { name: 'flow_id', type: 'string', description: 'The flow carrying it (flows.flow_id)', value: (h) => h.flowId },
    ...endpointColumns<TlsHandshake>('client', 'Client', (h) => h.client),
    ...endpointColumns<TlsHandshake>('server', 'Server', (h) => h.server),
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
    { name: 'ja3s', type: 'string', description: 'JA3S of the ServerHello', value: (h) => h.serverHello?.ja3s ?? null },
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

const mediaStreamsTable: TableDefinition<Report, MediaStream & { report: Report }> = {
  name: 'media_streams',
  description:
    'Call media: RTP streams (and media relayed inside TURN) with their kind, path and what RTCP says of them.',
  grain: 'media stream (an RTP SSRC, or a TURN-relayed flow)',
  rows: (report) => report.media.map((m) => ({ ...m, report })),
  columns: [
    { name: 'flow_id', type: 'string', description: 'The flow carrying it (flows.flow_id)', value: (m) => m.flowId },
    {
      name: 'ssrc',
      type: 'string',
      description: 'RTP SSRC, hex; null for media relayed inside TURN',
      value: (m) => m.ssrc ?? null,
    },
    { name: 'payload_types', type: 'int[]', description: 'RTP payload types seen', value: (m) => m.payloadTypes ?? [] },
    { name: 'kind', type: 'string', description: 'audio, video, screen-sharing or unknown', value: (m) => m.kind },
    { name: 'confidence', type: 'string', description: 'high, medium or low, for kind', value: (m) => m.confidence },
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
      description: 'outbound, inbound, both or between-others (seen from the capturing client)',
      value: (m) => m.direction,
    },
    ...endpointColumns<MediaStream>('source', 'Sender', (m) => m.source, 'source'),
    ...endpointColumns<MediaStream>('destination', 'Receiver', (m) => m.destination, 'destination'),
    { name: 'path', type: 'string', description: 'p2p-lan, p2p or relay', value: (m) => m.path },
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
      name: 'jitter_ms',
      type: 'float',
      unit: 'ms',
      description: 'Last interarrival jitter RTCP reported',
      value: (m) => m.rtcp?.jitterMs ?? null,
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
    { name: 'activity', type: 'string', description: 'The segment’s main activity', value: (s) => s.activity },
    { name: 'activities', type: 'string[]', description: 'Everything seen in the segment', value: (s) => s.activities },
    { name: 'confidence', type: 'string', description: 'high, medium or low', value: (s) => s.confidence },
    { name: 'evidence', type: 'string[]', description: 'The traffic the label rests on', value: (s) => s.evidence },
  ],
};

const findingsTable: TableDefinition<Report, Finding> = {
  name: 'findings',
  description: 'What Teamshark found worth saying, each with its frames and a display filter.',
  grain: 'finding',
  rows: (report) => report.findings,
  columns: [
    {
      name: 'finding_id',
      type: 'string',
      description: 'Stable kind of finding, then what it is about',
      ecs: 'rule.id',
      value: (f) => f.id,
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
      description: `The report section it is listed in: ${SECTION_IDS}`,
      ecs: 'rule.category',
      value: (f) => f.section,
    },
    {
      name: 'severity',
      type: 'string',
      description: 'info, notice or warning',
      ecs: 'log.level',
      value: (f) => f.severity,
    },
    { name: 'title', type: 'string', description: 'One line', ecs: 'message', value: (f) => f.title },
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

/** Every table a report fills, in the order the documentation lists them. */
export const REPORT_TABLES = [
  capturesTable,
  flowsTable,
  dnsLookupsTable,
  tlsHandshakesTable,
  certificatesTable,
  mediaStreamsTable,
  activitySegmentsTable,
  findingsTable,
] as unknown as readonly TableDefinition<Report, unknown>[];
