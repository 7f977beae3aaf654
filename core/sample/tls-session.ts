import type { CaptureBuilder, Endpoint } from './capture.js';
import type { CertificateAuthority, ServerCertificate } from './certificates.js';
import { Http1Connection } from './http1.js';
import { Http2Connection, type ServiceApi } from './http2.js';
import type { SeededRandom } from './random.js';
import { GCM_RECORD_OVERHEAD, tls12Keys, type SessionKeys } from './tls-keys.js';
import type { Side, TcpConnection } from './tcp.js';
import {
  CONTENT,
  GROUP,
  VERSION,
  certificateMessage,
  changeCipherSpec,
  clientHello,
  clientKeyExchange,
  greaseValue,
  records,
  serverHello,
  serverHelloDone,
  serverKeyExchange,
  type TlsVersionName,
} from './tls.js';

/** What a client offers: Teams' Chromium-based stack, or an old library offering broken suites. */
export interface ClientProfile {
  recordVersion: number;
  legacyVersion: number;
  /** supported_versions; absent for clients older than TLS 1.3. */
  versions?: readonly number[];
  cipherSuites: readonly number[];
  grease: boolean;
  alpn?: readonly string[];
  /** Grades of the offered suites (core/knowledge/cipher-suites.ts): what a correct analysis reports. */
  offers: { insecure: boolean; weak: boolean };
}

/** Teams (Electron/WebView2, i.e. Chromium's BoringSSL): TLS 1.3 and 1.2, GREASE, CBC and RSA suites kept at the end. */
export const CHROMIUM_CLIENT: ClientProfile = {
  recordVersion: VERSION['TLS 1.0'],
  legacyVersion: VERSION['TLS 1.2'],
  versions: [VERSION['TLS 1.3'], VERSION['TLS 1.2']],
  cipherSuites: [
    0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f,
    0x0035,
  ],
  grease: true,
  alpn: ['h2', 'http/1.1'],
  offers: { insecure: false, weak: true },
};

/** An outdated embedded library: TLS 1.0 only, RC4, 3DES and anonymous Diffie-Hellman on offer. */
export const LEGACY_CLIENT: ClientProfile = {
  recordVersion: VERSION['TLS 1.0'],
  legacyVersion: VERSION['TLS 1.0'],
  cipherSuites: [0x0005, 0x0004, 0x000a, 0x0018, 0x001b, 0x0034, 0x002f, 0x0035],
  grease: false,
  offers: { insecure: true, weak: true },
};

export interface TlsServer {
  ip: string;
  port?: number;
  sni?: string;
  version: TlsVersionName;
  cipherSuite: number;
  certificate: ServerCertificate;
  client?: ClientProfile;
  /** Round-trip time to the server. */
  rtt?: number;
  /** The connection was open before the capture began: no TCP or TLS handshake is seen. */
  established?: boolean;
  /** Link rate of the path, in bit/s (paces bulk transfers). */
  bitsPerSecond?: number;
  /**
   * The REST calls its exchanges make, in turn. A TLS 1.2 session with a GCM suite then carries them as real
   * HTTP/2 or HTTP/1.1 (the ALPN its server picks) in really encrypted records, and its keys go to the key
   * log (teamshark sample --keylog).
   */
  api?: ServiceApi;
  /** The server's first flight (TLS 1.2: ServerHello and certificates) arrives with its first two segments swapped. */
  serverFlightOutOfOrder?: boolean;
}

export interface TlsContext {
  capture: CaptureBuilder;
  random: SeededRandom;
  authority: CertificateAuthority;
  client: string;
  nextPort: () => number;
  /** Receives the key log line of each session whose records are really encrypted. */
  keylog?: (line: string) => void;
}

/** Bytes AEAD protection adds to a TLS 1.3 record: content type, 16-byte tag. */
const TLS13_RECORD_OVERHEAD = 17;
const SERVER_THINK_TIME = 0.004;
const RECORD_HEADER_BYTES = 5;
/** Windows delays an ACK up to 200 ms, hoping to send it with data. */
const DELAYED_ACK = 0.2;

/**
 * A TLS connection over TCP, from the SYN through the handshake (ClientHello, the server's flight with its
 * certificate chain in TLS 1.2 and earlier, key exchange, ChangeCipherSpec, Finished) to encrypted
 * application data and the closing alert.
 */
export class TlsSession {
  readonly connection: TcpConnection;
  readonly client: ClientProfile;
  /** When the handshake is over and the client may send application data. */
  readonly ready: number;
  private readonly recordVersion: number;
  /** Set for a session whose records are really encrypted (see TlsServer.api). */
  private keys?: SessionKeys;
  private http?: Http1Connection | Http2Connection;

  constructor(
    private readonly context: TlsContext,
    readonly server: TlsServer,
    time: number,
  ) {
    const { capture, random } = context;
    this.client = server.client ?? CHROMIUM_CLIENT;
    const clientEnd: Endpoint = { ip: context.client, port: context.nextPort() };
    this.connection = capture.tcp(
      clientEnd,
      { ip: server.ip, port: server.port ?? 443 },
      {
        rtt: server.rtt ?? random.between(0.012, 0.03),
        ...(server.bitsPerSecond ? { bitsPerSecond: server.bitsPerSecond } : {}),
      },
    );
    this.recordVersion = server.version === 'TLS 1.3' ? VERSION['TLS 1.2'] : VERSION[server.version];
    this.ready = server.established ? time : this.handshake(this.connection.open(time) + 0.0002);
  }

  /** The client sends `request` bytes of application data; after `think` seconds the server answers `response` bytes. */
  exchange(time: number, request: number, response: number, think = 0.03): number {
    // A reply within the delayed-ACK timeout carries the ACK of the request.
    let t = this.applicationData(time, 'client', request, response > 0 && think < DELAYED_ACK);
    if (response > 0) t = this.applicationData(t + this.connection.rtt + think, 'server', response);
    return t;
  }

  /** Encrypted application data: records of at most 16 kB, each with the cipher's overhead on top. */
  applicationData(time: number, from: Side, bytes: number, answered = false): number {
    const payload = this.context.random.bytes(bytes + this.overhead());
    const list = records(CONTENT.applicationData, this.recordVersion, payload);
    return this.sendRecords(
      time,
      from,
      this.keys
        ? this.encryptedHttp(
            from,
            list.map((r) => r.length - RECORD_HEADER_BYTES),
          )
        : list,
      answered,
    );
  }

  /**
   * The next HTTP/2 request or response in records of the given sizes (a last one too small for a byte of
   * plaintext joins the one before it), so the packets keep their sizes.
   */
  private encryptedHttp(from: Side, sizes: number[]): Buffer[] {
    if (sizes.length > 1 && sizes.at(-1)! <= GCM_RECORD_OVERHEAD) sizes.splice(-2, 2, sizes.at(-2)! + sizes.at(-1)!);
    const plaintext = sizes.map((size) => size - GCM_RECORD_OVERHEAD);
    const total = plaintext.reduce((a, b) => a + b, 0);
    const message = from === 'client' ? this.http!.request(total) : this.http!.response(total);
    let offset = 0;
    return plaintext.map((size) =>
      this.sealed(from, CONTENT.applicationData, message.subarray(offset, (offset += size))),
    );
  }

  private sealed(from: Side, contentType: number, plaintext: Buffer): Buffer {
    const protection = from === 'client' ? this.keys!.client : this.keys!.server;
    const fragment = protection.seal(contentType, this.recordVersion, plaintext);
    return Buffer.concat([
      Buffer.from([
        contentType,
        this.recordVersion >> 8,
        this.recordVersion & 0xff,
        fragment.length >> 8,
        fragment.length & 0xff,
      ]),
      fragment,
    ]);
  }

  /** The Finished message: 12 bytes of verify data (here from the random stream), encrypted when the session is. */
  private finished(from: Side, version: number): Buffer[] {
    const opaque = this.context.random.bytes(this.finishedLength());
    if (!this.keys) return records(CONTENT.handshake, version, opaque);
    return [this.sealed(from, CONTENT.handshake, Buffer.concat([Buffer.from([20, 0, 0, 12]), opaque.subarray(0, 12)]))];
  }

  /** close_notify (encrypted, so an opaque alert record), then the FIN exchange. */
  close(time: number, from: Side = 'client'): number {
    const opaque = this.context.random.bytes(2 + this.overhead());
    const alert = this.keys
      ? [this.sealed(from, CONTENT.alert, Buffer.from([1, 0]))]
      : records(CONTENT.alert, this.recordVersion, opaque);
    const t = this.sendRecords(time, from, alert);
    return this.connection.close(t + 0.0001, from);
  }

  private handshake(time: number): number {
    const { random, authority } = this.context;
    const { server, client } = this;
    const tls13 = server.version === 'TLS 1.3';
    const grease = client.grease ? greaseValue(random) : undefined;
    const clientRandom = random.bytes(32);
    const hello = clientHello({
      random: clientRandom,
      sessionId: client.versions ? random.bytes(32) : Buffer.alloc(0),
      cipherSuites: client.cipherSuites,
      sni: server.sni,
      alpn: client.alpn,
      versions: client.versions,
      legacyVersion: client.legacyVersion,
      keyShare: client.versions ? random.bytes(32) : undefined,
      grease,
    });
    let t = this.sendRecords(time, 'client', records(CONTENT.handshake, client.recordVersion, hello));
    const rtt = this.connection.rtt;
    const serverRandom = random.bytes(32);
    const sessionId = random.bytes(32);
    const alpn = server.api && client.alpn?.includes(server.api.alpn) ? server.api.alpn : client.alpn?.[0];
    const hello2 = serverHello({
      random: serverRandom,
      sessionId,
      cipherSuite: server.cipherSuite,
      version: VERSION[server.version],
      keyShare: tls13 ? random.bytes(32) : undefined,
      alpn,
    });
    const chain = authority.chain(server.certificate, random);
    if (tls13) {
      // EncryptedExtensions, Certificate, CertificateVerify and Finished travel as application data.
      const encryptedFlight = 6 + chain.reduce((n, der) => n + der.length + 5, 11) + 264 + 36 + TLS13_RECORD_OVERHEAD;
      t = this.sendRecords(t + rtt + SERVER_THINK_TIME, 'server', [
        ...records(CONTENT.handshake, VERSION['TLS 1.2'], hello2),
        changeCipherSpec(VERSION['TLS 1.2']),
        ...records(CONTENT.applicationData, VERSION['TLS 1.2'], random.bytes(encryptedFlight)),
      ]);
      t = this.sendRecords(t + 0.0005, 'client', [
        changeCipherSpec(VERSION['TLS 1.2']),
        ...records(CONTENT.applicationData, VERSION['TLS 1.2'], random.bytes(53)),
      ]);
      return t;
    }
    const version = VERSION[server.version];
    if (server.api && server.version === 'TLS 1.2')
      this.keys = tls12Keys(server.cipherSuite, clientRandom, serverRandom);
    if (this.keys) {
      const host = server.sni ?? server.ip;
      this.http =
        server.api!.alpn === 'h2'
          ? new Http2Connection(host, server.api!.calls)
          : new Http1Connection(host, server.api!.calls);
      this.context.keylog?.(this.keys.keylogLine);
    }
    const ecdhe = isEcdhe(server.cipherSuite);
    const flight = [hello2, certificateMessage(chain)];
    if (ecdhe) {
      const point = random.bytes(32);
      const signature = authority.serverSignature(Buffer.concat([serverRandom, point]));
      flight.push(
        serverKeyExchange(GROUP.x25519, point, signature, version === VERSION['TLS 1.2'] ? 0x0401 : undefined),
      );
    }
    flight.push(serverHelloDone());
    t = this.sendRecords(
      t + rtt + SERVER_THINK_TIME,
      'server',
      flight.flatMap((message) => records(CONTENT.handshake, version, message)),
      false,
      server.serverFlightOutOfOrder,
    );
    const keyExchange = ecdhe
      ? clientKeyExchange('ecdhe', random.bytes(32))
      : clientKeyExchange('rsa', random.bytes(256));
    t = this.sendRecords(t + 0.001, 'client', [
      ...records(CONTENT.handshake, version, keyExchange),
      changeCipherSpec(version),
      ...this.finished('client', version),
    ]);
    return this.sendRecords(t + rtt + SERVER_THINK_TIME, 'server', [
      changeCipherSpec(version),
      ...this.finished('server', version),
    ]);
  }

  private sendRecords(time: number, from: Side, list: readonly Buffer[], answered = false, outOfOrder = false): number {
    let end = 0;
    const ends = list.map((r) => (end += r.length));
    return this.connection.send(
      time,
      from,
      { data: Buffer.concat(list), application: 'tls', ends, headerBytes: RECORD_HEADER_BYTES },
      answered,
      outOfOrder,
    );
  }

  /** An encrypted Finished: 12 bytes of verify data in the negotiated cipher's record protection. */
  private finishedLength(): number {
    return 16 + this.overhead();
  }

  /** Per-record overhead: AEAD nonce and tag (GCM, 24), a TLS 1.3 record's 17, or CBC's IV, MAC and padding. */
  private overhead(): number {
    if (this.server.version === 'TLS 1.3') return TLS13_RECORD_OVERHEAD;
    return isAead(this.server.cipherSuite) ? 24 : 28;
  }
}

function isEcdhe(suite: number): boolean {
  return suite >= 0xc000 && suite <= 0xcfff;
}

function isAead(suite: number): boolean {
  return [0x009c, 0x009d, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9].includes(suite);
}
