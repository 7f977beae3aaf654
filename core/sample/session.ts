import { CaptureBuilder, type CaptureOptions, type Endpoint, type LinkKind } from './capture.js';
import { CertificateAuthority, type ServerCertificate } from './certificates.js';
import { TYPE, dnsQuery, dnsResponse, type DnsQuestion, type ResourceRecord, type SoaData } from './dns.js';
import { clientInitial, serverInitial, shortHeaderPacket, transportParameters } from './quic.js';
import { SeededRandom } from './random.js';
import { SSDP_GROUP, ssdpMSearch } from './ssdp.js';
import { TlsSession, type TlsServer } from './tls-session.js';
import { VERSION, clientHello, greaseValue, serverHello } from './tls.js';
import { TruthRecorder, endpointText, type SampleTruth } from './truth.js';

export interface SessionOptions {
  seed: number;
  link: LinkKind;
  client: string;
  resolver: string;
  vlanId?: number;
  interfaces?: CaptureOptions['interfaces'];
  interfaceFor?: CaptureOptions['interfaceFor'];
  /** More addresses of the capturing host (another interface). */
  otherClients?: readonly string[];
}

export interface Lookup {
  name: string;
  type?: 'A' | 'AAAA';
  /** The CNAME chain after the queried name, in order. */
  aliases?: readonly string[];
  addresses: readonly string[];
  /** Authority data in the response: the final zone's name servers, or its SOA (an empty answer). */
  authority?: 'ns' | 'soa';
  /** The query sets DO; the validating resolver answers with AD and an RRSIG. */
  dnssec?: boolean;
}

/** Every capture starts at this moment (plus the seed's seconds): a fixed date keeps the bytes reproducible. */
const CAPTURE_START = Date.parse('2026-03-10T08:30:00Z');
const DNS_RTT = [0.006, 0.024] as const;

/**
 * The timeline DSL scenarios are written in: a client on a LAN that looks names up, opens TLS and QUIC
 * connections, searches for devices, and (see call.ts) makes calls. Each step records what it put on the
 * wire in `truth`.
 */
export class Session {
  readonly random: SeededRandom;
  readonly capture: CaptureBuilder;
  readonly truth = new TruthRecorder();
  /** Key log lines of the sessions whose records are really encrypted (NSS key log format). */
  readonly keylog: string[] = [];
  /** The address the next steps send from (see `as`). */
  client: string;
  readonly start: Date;
  private authority?: CertificateAuthority;
  private nextEphemeralPort: number;
  private dnssecAsked = false;

  constructor(readonly options: SessionOptions) {
    this.random = new SeededRandom(options.seed);
    this.client = options.client;
    this.start = new Date(CAPTURE_START + (options.seed % 86_400) * 1000);
    this.capture = new CaptureBuilder(this.random.fork('capture'), {
      link: options.link,
      clientAddresses: [options.client, ...(options.otherClients ?? [])],
      vlanId: options.vlanId,
      interfaces: options.interfaces,
      interfaceFor: options.interfaceFor,
    });
    this.nextEphemeralPort = this.random.int(50100, 60000);
  }

  /** Runs `steps` from another address of the capturing host. */
  as(address: string, steps: () => void): void {
    const previous = this.client;
    this.client = address;
    try {
      steps();
    } finally {
      this.client = previous;
    }
  }

  /** Windows hands out ephemeral ports one after the other. */
  port(): number {
    return this.nextEphemeralPort++;
  }

  /** A certificate valid around the capture: issued `ageDays` before it, for a year (negative: expired). */
  certificate(
    commonName: string,
    subjectAltNames: readonly string[],
    validity: { ageDays: number; days: number } = { ageDays: 120, days: 365 },
  ): ServerCertificate {
    const notBefore = new Date(this.start.getTime() - validity.ageDays * 86_400_000);
    return {
      commonName,
      subjectAltNames,
      notBefore,
      notAfter: new Date(notBefore.getTime() + validity.days * 86_400_000),
    };
  }

  /** A query and its answer over UDP 53; returns when the answer arrives. */
  lookup(time: number, lookup: Lookup): number {
    const resolver: Endpoint = { ip: this.options.resolver, port: 53 };
    const from: Endpoint = { ip: this.client, port: this.port() };
    const question: DnsQuestion = {
      id: this.random.int(0, 0xffff),
      name: lookup.name,
      type: lookup.type ?? 'A',
      edns: lookup.dnssec ? { dnssecOk: true } : undefined,
    };
    this.capture.udp(time, from, resolver, dnsQuery(question), 'dns');
    const answered = time + this.random.between(...DNS_RTT);
    this.capture.udp(answered, resolver, from, dnsResponse(question, this.answer(lookup)), 'dns');

    const aliases = lookup.aliases ?? [];
    this.truth.lookedUp(lookup.name, aliases, lookup.addresses);
    if (aliases.length) this.truth.finding(`dns-cname-chain/${lookup.name.toLowerCase()}`);
    this.truth.finding('dns-cleartext');
    this.dnssecAsked ||= lookup.dnssec === true;
    return answered;
  }

  private answer(lookup: Lookup): { answers: ResourceRecord[]; authority: ResourceRecord[]; authenticated: boolean } {
    const type = lookup.type ?? 'A';
    const chain = [lookup.name, ...(lookup.aliases ?? [])];
    const answers: ResourceRecord[] = chain
      .slice(1)
      .map((target, i) => ({ name: chain[i]!, ttl: this.random.int(30, 300), data: { type: 'CNAME', target } }));
    const last = chain.at(-1)!;
    const ttl = this.random.int(10, 240);
    for (const address of lookup.addresses) answers.push({ name: last, ttl, data: { type, address } });
    if (lookup.dnssec) {
      answers.push({
        name: last,
        ttl,
        data: {
          type: 'RRSIG',
          covered: TYPE[type],
          signer: zoneOf(last),
          signature: this.random.bytes(256),
          inception: this.epoch() - 86_400 * 7,
          expiration: this.epoch() + 86_400 * 14,
          keyTag: this.random.int(1, 0xffff),
        },
      });
    }
    const zone = zoneOf(last);
    const authority: ResourceRecord[] = [];
    if (lookup.authority === 'ns') {
      for (const server of ['ns1', 'ns2']) {
        authority.push({ name: zone, ttl: 3600, data: { type: 'NS', target: `${server}.${zone}` } });
        this.truth.finding(`dns-ns/${server}.${zone}`);
      }
    } else if (lookup.authority === 'soa') {
      const soa: SoaData = {
        mname: `ns1.${zone}`,
        rname: `msnhst.microsoft.com`,
        serial: this.random.int(1, 0x7fffffff),
        refresh: 1800,
        retry: 900,
        expire: 2419200,
        minimum: 240,
      };
      authority.push({ name: zone, ttl: 240, data: { type: 'SOA', soa } });
      this.truth.finding(`dns-soa/${soa.mname}`);
    }
    return { answers, authority, authenticated: lookup.dnssec ?? false };
  }

  /** A TLS connection over TCP (handshake done when it returns; see TlsSession.ready). */
  tls(time: number, server: TlsServer): TlsSession {
    this.authority ??= CertificateAuthority.forSeed(this.options.seed, this.start);
    const session = new TlsSession(
      {
        capture: this.capture,
        random: this.random,
        authority: this.authority,
        client: this.client,
        nextPort: () => this.port(),
        keylog: (line) => this.keylog.push(line),
      },
      server,
      time,
    );
    const truth = this.truth;
    if (server.established) return session;
    truth.tlsVersions.add(server.version);
    truth.selectedSuites.add(server.cipherSuite);
    if (server.sni) truth.serverNames.add(server.sni);
    truth.finding(`tls-version/${server.version.toLowerCase().replace(/[^a-z0-9.]+/g, '-')}`);
    if (session.client.offers.insecure) truth.finding('tls-insecure-suites-offered');
    if (session.client.offers.weak) truth.finding('tls-weak-suites-offered');
    if (session.client.recordVersion < VERSION[server.version]) truth.finding('tls-record-version-is-not-negotiated');
    if (server.certificate.notAfter < this.start && server.version !== 'TLS 1.3')
      truth.finding('tls-certificate-expired/');
    return session;
  }

  /** DNS over TLS (RFC 7858): a TLS 1.3 connection to a resolver's port 853 carrying a few lookups. */
  dnsOverTls(time: number, resolver: { ip: string; sni: string }): number {
    const connection = this.tls(time, {
      ...resolver,
      port: 853,
      version: 'TLS 1.3',
      cipherSuite: 0x1301,
      certificate: this.certificate(resolver.sni, [resolver.sni]),
    });
    let t = connection.ready;
    for (let i = 0; i < 3; i++)
      t = connection.exchange(t + 0.2, this.random.int(40, 70), this.random.int(80, 200), 0.005);
    this.truth.finding(`dns-over-tls/${endpointText(resolver.ip, 853)}`);
    return connection.close(t + 1);
  }

  /** DNS over HTTPS (RFC 8484): HTTP/2 over TLS 1.3 to a public resolver's name. */
  dnsOverHttps(time: number, resolver: { ip: string; sni: string }): number {
    const connection = this.tls(time, {
      ...resolver,
      version: 'TLS 1.3',
      cipherSuite: 0x1301,
      certificate: this.certificate(resolver.sni, [resolver.sni]),
    });
    let t = connection.ready;
    for (let i = 0; i < 3; i++)
      t = connection.exchange(t + 0.3, this.random.int(120, 200), this.random.int(150, 400), 0.008);
    this.truth.finding(`dns-over-https/${resolver.sni}`);
    return connection.close(t + 1);
  }

  /**
   * A QUIC connection's first flight: the client's Initial (ClientHello with SNI, padded to 1200 bytes), the
   * server's Initial (ServerHello) and a few protected 1-RTT packets each way.
   */
  quic(time: number, server: { ip: string; sni: string }, rtt = 0.015): number {
    const random = this.random;
    const from: Endpoint = { ip: this.client, port: this.port() };
    const to: Endpoint = { ip: server.ip, port: 443 };
    const originalDestinationId = random.bytes(8);
    const clientId = random.bytes(8);
    const serverId = random.bytes(8);
    const hello = clientHello({
      random: random.bytes(32),
      sessionId: Buffer.alloc(0),
      cipherSuites: [0x1301, 0x1302, 0x1303],
      sni: server.sni,
      alpn: ['h3'],
      versions: [VERSION['TLS 1.3']],
      keyShare: random.bytes(32),
      grease: greaseValue(random),
      quicTransportParameters: transportParameters(clientId),
    });
    this.capture.udp(
      time,
      from,
      to,
      clientInitial({
        originalDestinationId,
        destinationId: originalDestinationId,
        sourceId: clientId,
        packetNumber: 0,
        crypto: hello,
      }),
      'quic:tls',
    );
    const answer = serverHello({
      random: random.bytes(32),
      sessionId: Buffer.alloc(0),
      cipherSuite: 0x1301,
      version: VERSION['TLS 1.3'],
      keyShare: random.bytes(32),
    });
    let t = time + rtt;
    this.capture.udp(
      t,
      to,
      from,
      serverInitial({
        originalDestinationId,
        destinationId: clientId,
        sourceId: serverId,
        packetNumber: 0,
        crypto: answer,
        acknowledges: 0,
      }),
      'quic:tls',
    );
    for (let i = 0; i < 4; i++) {
      t += 0.002;
      this.capture.udp(t, from, to, shortHeaderPacket(serverId, random.bytes(random.int(40, 300))), 'quic');
      this.capture.udp(t + rtt, to, from, shortHeaderPacket(clientId, random.bytes(random.int(60, 1200))), 'quic');
    }
    this.truth.quicServerNames.add(server.sni);
    return t + rtt;
  }

  /** Windows looking for media renderers and gateways (SSDP M-SEARCH to the multicast group, sent twice). */
  ssdp(time: number): void {
    const from: Endpoint = { ip: this.client, port: this.port() };
    const search = ssdpMSearch('urn:dial-multiscreen-org:service:dial:1', 'Microsoft Edge/120.0 Windows');
    this.capture.udp(time, from, SSDP_GROUP, search, 'ssdp');
    this.capture.udp(time + 1, from, SSDP_GROUP, search, 'ssdp');
    this.truth.ssdp = true;
  }

  /** Seconds since the epoch of the capture's start. */
  epoch(): number {
    return Math.floor(this.start.getTime() / 1000);
  }

  finish(name: string, description: string): WrittenSample {
    const built = this.capture.build(
      this.epoch(),
      'Teamshark sample writer',
      `Teamshark sample scenario "${name}" (seed ${this.options.seed}): synthetic traffic, not a recording`,
    );
    const linkType = this.options.link === 'linux-sll' ? 'Linux cooked-mode capture v1' : 'Ethernet';
    for (const stack of built.stacks) this.truth.ipVersions.add(stack.includes(':ipv6:') ? 6 : 4);
    if (this.truth.present.has('dns-cleartext')) this.truth.finding(this.dnssecAsked ? 'dnssec-used' : 'dnssec-absent');
    this.truth.absent.add(this.dnssecAsked ? 'dnssec-absent' : 'dnssec-used');
    return {
      pcapng: built.pcapng,
      stacks: built.stacks,
      malformed: built.malformed,
      keylog: this.keylog.map((line) => `${line}\n`).join(''),
      truth: this.truth.finish(name, description, this.options.seed, built.stacks.length, built.durationSec, linkType),
    };
  }
}

export interface WrittenSample {
  pcapng: Buffer;
  truth: SampleTruth;
  /** Per frame, the protocol stack tshark must decode (frame.protocols). */
  stacks: string[];
  /** The frames tshark marks malformed though their bytes are what real clients send (MS-TURN's unpadded DATA). */
  malformed: number[];
  /** The key log of the sessions whose records are really encrypted (teamshark sample --keylog). */
  keylog: string;
}

/** The zone a name belongs to, for authority records: its last two labels. */
function zoneOf(name: string): string {
  return name.split('.').slice(-2).join('.');
}
