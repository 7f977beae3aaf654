// Small typed builders for the capture model: each makes a valid item from a few fields that matter to the
// test, with defaults for the rest. A test states only what its rule or classifier reads.
import type { CaptureModel } from '../../core/model/capture-model.js';
import type { ModelFlow } from '../../core/model/flows.js';
import { PacketRecord } from '../../core/tshark/record.js';
import type {
  Certificate,
  ClientHello,
  DnsRecord,
  DnsTransaction,
  Endpoint,
  MediaStream,
  NamedCode,
  RtpStream,
  ServerHello,
  StunMessage,
  TlsHandshake,
} from '../../core/schema/generated/report.js';

let lastFrame = 0;

/** A packet as tshark's ek output gives it to the collectors: these fields ("ip.src": "10.0.0.5"), the next frame number. */
export function packetRecord(fields: Record<string, string>): PacketRecord {
  lastFrame += 1;
  const layers: Record<string, string[]> = { frame_number: [String(lastFrame)], frame_len: ['60'] };
  for (const [field, value] of Object.entries(fields)) layers[field.replaceAll('.', '_')] = [value];
  return new PacketRecord(layers as ConstructorParameters<typeof PacketRecord>[0]);
}

/** "192.0.2.1:443", "[2001:db8::1]:443" or a bare address → an Endpoint. */
export function at(text: string): Endpoint {
  const match = /^\[(.+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  return match ? { ip: match[1]!, port: Number(match[2]) } : { ip: text };
}

export const code = (value: number, name?: string): NamedCode => (name ? { code: value, name } : { code: value });

/** A capture model with nothing in it: a 60 s capture of no packets. */
export function captureModel(parts: Partial<CaptureModel> = {}): CaptureModel {
  return {
    capture: {
      file: 'unit.pcap',
      fileBytes: 0,
      packets: 0,
      bytes: 0,
      durationSec: 60,
      tshark: { version: '4.0.17', arguments: [] },
    },
    protocols: [],
    flows: [],
    dns: [],
    tls: [],
    stun: [],
    rtp: { streams: [], rtcp: [] },
    timeline: { binSeconds: 1, startOffset: 0, series: [] },
    quic: [],
    ssdp: [],
    payload: new Map(),
    qualityPackets: { streams: [], legs: [], handshakes: [], rtcpSenders: [], cutShort: [] },
    linkHosts: { outgoing: new Map(), ethernet: [], groupDestinations: new Set() },
    tcpHealth: [],
    timeOrigin: 0,
    warnings: [],
    ...parts,
  };
}

type FlowParts = Partial<Omit<ModelFlow, 'client' | 'server'>> & { client: string; server: string };

/** A flow between two "ip:port" endpoints; its id and filter follow its transport and tshark stream index. */
export function flow({ client, server, transport = 'tcp', stream = 0, ...parts }: FlowParts): ModelFlow {
  return {
    id: `${transport}:${stream}`,
    transport,
    stream,
    client: at(client),
    server: at(server),
    clientBy: transport === 'tcp' ? 'syn' : 'first-packet',
    packets: 10,
    bytes: 1000,
    clientToServer: { packets: 5, bytes: 500 },
    serverToClient: { packets: 5, bytes: 500 },
    start: 0,
    end: 1,
    firstFrame: 1,
    lastFrame: 10,
    protocols: [],
    filter: `${transport}.stream eq ${stream}`,
    ...parts,
  };
}

const A = code(1, 'A');
const CNAME = code(5, 'CNAME');

export const record = (name: string, type: NamedCode, data: string): DnsRecord => ({ name, type, data });

type DnsParts = Partial<Omit<DnsTransaction, 'client' | 'server'>> & { name: string; client?: string; server?: string };

/** A DNS lookup over UDP to a LAN resolver, query in frame 1 and response in frame 2, no answers unless given. */
export function dnsTransaction({
  client = '192.168.1.6:50000',
  server = '192.168.1.1:53',
  ...parts
}: DnsParts): DnsTransaction {
  return {
    id: 1,
    protocol: 'dns',
    transport: 'udp',
    client: at(client),
    server: at(server),
    type: A,
    time: 0,
    queryFrame: 1,
    responseFrame: 2,
    answers: [],
    authority: [],
    additional: [],
    ...parts,
  };
}

/** A lookup answered through CNAMEs: `names` is the chain from the queried name, `addresses` what it ends in. */
export function resolvedLookup(
  names: [string, ...string[]],
  addresses: string[],
  parts: Partial<DnsParts> = {},
): DnsTransaction {
  const answers = [
    ...names.slice(1).map((alias, i) => record(names[i]!, CNAME, alias)),
    ...addresses.map((address) => record(names.at(-1)!, A, address)),
  ];
  return dnsTransaction({ name: names[0], answers, chain: { names, addresses }, ...parts });
}

export const TLS_1_0 = code(0x0301, 'TLS 1.0');
export const TLS_1_2 = code(0x0303, 'TLS 1.2');
export const TLS_1_3 = code(0x0304, 'TLS 1.3');

export function clientHello(parts: Partial<ClientHello> = {}): ClientHello {
  return {
    frame: 4,
    legacyVersion: TLS_1_2,
    supportedVersions: [],
    cipherSuites: [code(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256')],
    extensions: [],
    supportedGroups: [],
    signatureAlgorithms: [],
    alpn: [],
    ...parts,
  };
}

export function serverHello(parts: Partial<ServerHello> = {}): ServerHello {
  return {
    frame: 6,
    legacyVersion: TLS_1_2,
    version: TLS_1_2,
    cipherSuite: code(0xc02f, 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256'),
    extensions: [],
    ...parts,
  };
}

type HandshakeParts = Partial<Omit<TlsHandshake, 'client' | 'server'>> & { server: string; client?: string };

/** A TLS handshake on tcp:0 with a ClientHello (frame 4) and, unless told otherwise, no ServerHello. */
export function tlsHandshake({ client = '192.168.1.6:50000', server, ...parts }: HandshakeParts): TlsHandshake {
  return {
    protocol: 'tls',
    flowId: 'tcp:0',
    client: at(client),
    server: at(server),
    clientHello: clientHello(),
    certificates: [],
    alerts: [],
    ...parts,
  };
}

export function certificate(parts: Partial<Certificate> = {}): Certificate {
  return {
    frame: 7,
    position: 0,
    subject: 'CN=teams.microsoft.com',
    issuer: 'CN=Microsoft Azure TLS Issuing CA 01',
    subjectCommonName: 'teams.microsoft.com',
    notBefore: '2020-01-01T00:00:00Z',
    notAfter: '2021-01-01T00:00:00Z',
    subjectAltNames: [],
    serialNumber: '01',
    sha256: 'ab'.repeat(32),
    ...parts,
  };
}

export const XOR_MAPPED_ADDRESS = code(0x0020, 'XOR-MAPPED-ADDRESS');
export const XOR_RELAYED_ADDRESS = code(0x0016, 'XOR-RELAYED-ADDRESS');

/** An item sent between two endpoints, "ip:port" each, with the parts a test states. */
export type Between<T> = Partial<Omit<T, 'source' | 'destination'>> & { source: string; destination: string };

/** A STUN Binding request on udp:0 in frame 1, unless the parts say otherwise. */
export function stunMessage({ source, destination, ...parts }: Between<StunMessage>): StunMessage {
  return {
    frame: 1,
    time: 0,
    flowId: 'udp:0',
    protocol: 'stun',
    source: at(source),
    destination: at(destination),
    type: code(0x0001, 'Binding Request'),
    method: 'Binding',
    class: 'request',
    attributes: [],
    addresses: [],
    ...parts,
  };
}

/** An RTP stream on udp:0: 500 packets over 10 s (50 pkt/s), 160-byte frames, one packet per timestamp. */
export function rtpStream({ source, destination, ...parts }: Between<RtpStream>): RtpStream {
  return {
    ssrc: '0x11111111',
    flowId: 'udp:0',
    source: at(source),
    destination: at(destination),
    payloadTypes: [code(111)],
    packets: 500,
    bytes: 100_000,
    start: 0,
    end: 10,
    firstFrame: 1,
    lastFrame: 1000,
    lost: 0,
    markerPackets: 0,
    repeatedTimestampPackets: 0,
    frameBytes: { min: 160, mean: 160, max: 160 },
    filter: `rtp.ssrc == ${parts.ssrc ?? '0x11111111'}`,
    ...parts,
  };
}

/** A media stream as the media classifier states one: outbound audio, peer to peer, 10 s. */
export function mediaStream({ source, destination, ...parts }: Between<MediaStream>): MediaStream {
  return {
    flowId: 'udp:0',
    ssrc: '0x11111111',
    kind: 'audio',
    confidence: 'high',
    reason: 'measured RTP clock 48 kHz',
    packets: 500,
    bytes: 100_000,
    durationSec: 10,
    pps: 50,
    kbps: 80,
    direction: 'outbound',
    source: at(source),
    destination: at(destination),
    path: 'p2p',
    firstFrame: 1,
    filter: 'rtp.ssrc == 0x11111111',
    ...parts,
  };
}
