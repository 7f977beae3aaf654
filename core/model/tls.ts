import type { Certificate, Endpoint, TlsHandshake } from '../schema/generated/report.js';
import type { PacketRecord } from '../tshark/record.js';
import type { ValueNames } from '../tshark/value-names.js';
import { ADDRESSING_FIELDS, addressingOf, sameEndpoint } from './addressing.js';
import { readCertificate } from './certificates.js';
import { namedCode, withoutUndefined, type Collector, type FinishContext } from './collector.js';

const HANDSHAKE = {
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  CERTIFICATE: 11,
  SERVER_KEY_EXCHANGE: 12,
  CERTIFICATE_REQUEST: 13,
  SERVER_HELLO_DONE: 14,
} as const;

interface PendingHandshake {
  handshake: TlsHandshake;
  certificateDer: { frame: number; position: number; der: string }[];
  /** The ServerHello came with a ServerHelloDone in the same packet. */
  serverHelloDone?: boolean;
}

function lastCode(codes: number[]): { code: number } | undefined {
  const code = codes.at(-1);
  return code === undefined ? undefined : { code };
}

/**
 * The shape of the pseudo-TLS handshake Teams' transport relays answer on TCP 443 before MS-TURN: a
 * ClientHello offering a single suite with no extension (so no SNI), answered by a ServerHello and a
 * ServerHelloDone with no certificate in between. Real TLS servers send a certificate (or, for anonymous
 * suites, a key exchange) first. The STUN inside is checked by tshark afterwards (core/tshark/tcp-stun.ts).
 */
function hasPseudoTlsShape(pending: PendingHandshake): boolean {
  const h = pending.handshake;
  return hasPseudoTlsHello(pending) && h.certificates.length === 0 && h.serverKeyExchange === undefined;
}

/** The hello half of the shape, known at the ServerHello: a certificate or key exchange, if any, comes in the same flight. */
function hasPseudoTlsHello({ handshake: h, serverHelloDone }: PendingHandshake): boolean {
  return (
    h.protocol === 'tls' &&
    !!serverHelloDone &&
    h.clientHello?.cipherSuites.length === 1 &&
    h.clientHello.extensions.length === 0 &&
    h.clientHello.sni === undefined
  );
}

/**
 * TLS handshakes (or DTLS ones, with prefix "dtls"), one per ClientHello, paired with the ServerHello, the
 * server's certificates and key exchange, and alerts, in the same tshark stream. TLS carried in QUIC CRYPTO
 * frames comes through the same tls.* fields and is marked protocol "quic".
 */
export class TlsCollector implements Collector<TlsHandshake[]> {
  /** Handshakes and alerts in their protocol (QUIC's TLS included); TLS also the TCP frames of pseudo-TLS flows. */
  readonly protocols: readonly string[];
  readonly fields: readonly string[];
  readonly namedFields: readonly string[];
  private readonly pending: PendingHandshake[] = [];
  private readonly openByFlow = new Map<string, PendingHandshake>();
  /**
   * For each flow with a pseudo-TLS hello, the frames with TCP payload from its ServerHello on: the only frames
   * tshark reads again to find the STUN inside (core/tshark/tcp-stun.ts), instead of the whole capture.
   */
  readonly framesAfterPseudoTlsHello = new Map<string, number[]>();
  /** "handshake.type" → "tls.handshake.type", built once: a string built per packet costs a hash per lookup. */
  private readonly fieldNames = new Map<string, string>();

  constructor(private readonly prefix: 'tls' | 'dtls') {
    const p = prefix;
    this.protocols = p === 'tls' ? ['tls', 'tcp'] : ['dtls'];
    this.fields = [
      ...ADDRESSING_FIELDS,
      'tcp.len',
      `${p}.record.version`,
      `${p}.handshake.type`,
      `${p}.handshake.version`,
      `${p}.handshake.ciphersuite`,
      `${p}.handshake.extension.type`,
      `${p}.handshake.extensions.supported_version`,
      `${p}.handshake.extensions_server_name`,
      `${p}.handshake.extensions_alpn_str`,
      `${p}.handshake.extensions_supported_group`,
      `${p}.handshake.extensions_key_share_group`,
      `${p}.handshake.sig_hash_alg`,
      `${p}.handshake.server_named_curve`,
      `${p}.handshake.ja3`,
      `${p}.handshake.ja3s`,
      `${p}.handshake.certificate`,
      `${p}.alert_message.desc`,
    ];
    this.namedFields = [
      `${p}.handshake.version`,
      `${p}.handshake.ciphersuite`,
      `${p}.handshake.extension.type`,
      `${p}.handshake.extensions_supported_group`,
      `${p}.handshake.sig_hash_alg`,
      `${p}.alert_message.desc`,
    ];
  }

  private field(name: string): string {
    let field = this.fieldNames.get(name);
    if (field === undefined) this.fieldNames.set(name, (field = `${this.prefix}.${name}`));
    return field;
  }

  add(packet: PacketRecord): void {
    if (this.framesAfterPseudoTlsHello.size > 0) this.notePseudoTlsFrame(packet);
    const types = packet.ints(this.field('handshake.type'));
    const alerts = packet.ints(this.field('alert_message.desc'));
    if (types.length === 0 && alerts.length === 0) return;
    const addressing = addressingOf(packet);
    if (!addressing) return;
    const protocol = this.prefix === 'tls' && packet.protocols.includes('quic') ? 'quic' : this.prefix;

    if (types.includes(HANDSHAKE.CLIENT_HELLO)) {
      const pending = this.start(addressing.flowId, protocol, addressing.source, addressing.destination);
      pending.handshake.clientHello = this.clientHello(packet);
    }
    let open = this.openByFlow.get(addressing.flowId);
    if (types.includes(HANDSHAKE.SERVER_HELLO)) {
      // A ServerHello whose ClientHello the capture missed still opens a handshake, seen from the server.
      if (!open || open.handshake.serverHello)
        open = this.start(addressing.flowId, protocol, addressing.destination, addressing.source);
      open.handshake.serverHello = this.serverHello(packet);
      open.serverHelloDone = types.includes(HANDSHAKE.SERVER_HELLO_DONE);
      if (hasPseudoTlsHello(open) && !this.framesAfterPseudoTlsHello.has(addressing.flowId)) {
        this.framesAfterPseudoTlsHello.set(addressing.flowId, [packet.frame]);
      }
    }
    if (!open) return;
    const fromServer = sameEndpoint(addressing.source, open.handshake.server);
    if (types.includes(HANDSHAKE.CERTIFICATE) && fromServer) {
      const position = open.certificateDer.length;
      packet.values(this.field('handshake.certificate')).forEach((der, i) => {
        open!.certificateDer.push({ frame: packet.frame, position: position + i, der });
      });
    }
    if (types.includes(HANDSHAKE.SERVER_KEY_EXCHANGE) && fromServer && !types.includes(HANDSHAKE.CERTIFICATE_REQUEST)) {
      open.handshake.serverKeyExchange = withoutUndefined({
        frame: packet.frame,
        namedCurve: this.code(packet, 'handshake.server_named_curve'),
        // The field also names the signature of each certificate-transparency timestamp inside the Certificate
        // message, which comes first in the flight: the key exchange's own is the last one in the packet.
        signatureAlgorithm: lastCode(packet.ints(this.field('handshake.sig_hash_alg'))),
      });
    }
    for (const alert of alerts) {
      open.handshake.alerts.push({ frame: packet.frame, description: { code: alert } });
    }
  }

  private notePseudoTlsFrame(packet: PacketRecord): void {
    const addressing = addressingOf(packet);
    const frames = addressing && this.framesAfterPseudoTlsHello.get(addressing.flowId);
    if (frames && (packet.ints('tcp.len').at(-1) ?? 0) > 0) frames.push(packet.frame);
  }

  private start(
    flowId: string,
    protocol: TlsHandshake['protocol'],
    client: Endpoint,
    server: Endpoint,
  ): PendingHandshake {
    const pending: PendingHandshake = {
      handshake: { protocol, flowId, client, server, certificates: [], alerts: [] },
      certificateDer: [],
    };
    this.pending.push(pending);
    this.openByFlow.set(flowId, pending);
    return pending;
  }

  private clientHello(packet: PacketRecord): NonNullable<TlsHandshake['clientHello']> {
    const recordVersion = packet.int(this.field('record.version'));
    return withoutUndefined({
      frame: packet.frame,
      recordVersion: recordVersion === undefined ? undefined : { code: recordVersion },
      legacyVersion: { code: packet.int(this.field('handshake.version')) ?? 0 },
      supportedVersions: this.codes(packet, 'handshake.extensions.supported_version'),
      cipherSuites: this.codes(packet, 'handshake.ciphersuite'),
      extensions: this.codes(packet, 'handshake.extension.type'),
      supportedGroups: this.codes(packet, 'handshake.extensions_supported_group'),
      signatureAlgorithms: this.codes(packet, 'handshake.sig_hash_alg'),
      sni: packet.first(this.field('handshake.extensions_server_name')),
      alpn: [...packet.values(this.field('handshake.extensions_alpn_str'))],
      ja3: packet.first(this.field('handshake.ja3')),
    });
  }

  private serverHello(packet: PacketRecord): NonNullable<TlsHandshake['serverHello']> {
    const legacy = packet.int(this.field('handshake.version')) ?? 0;
    const selected = packet.int(this.field('handshake.extensions.supported_version'));
    return withoutUndefined({
      frame: packet.frame,
      legacyVersion: { code: legacy },
      version: { code: selected ?? legacy },
      cipherSuite: { code: packet.ints(this.field('handshake.ciphersuite'))[0] ?? 0 },
      extensions: this.codes(packet, 'handshake.extension.type'),
      alpn: packet.first(this.field('handshake.extensions_alpn_str')),
      keyShareGroup: this.code(packet, 'handshake.extensions_key_share_group'),
      ja3s: packet.first(this.field('handshake.ja3s')),
    });
  }

  private codes(packet: PacketRecord, name: string): { code: number }[] {
    return packet.ints(this.field(name)).map((code) => ({ code }));
  }

  private code(packet: PacketRecord, name: string): { code: number } | undefined {
    const code = packet.int(this.field(name));
    return code === undefined ? undefined : { code };
  }

  finish({ names, warn }: FinishContext): TlsHandshake[] {
    const unreadable: number[] = [];
    const handshakes = this.pending.map((pending) => {
      const { handshake, certificateDer } = pending;
      handshake.certificates = certificateDer.flatMap(({ frame, position, der }): Certificate[] => {
        const certificate = readCertificate(der, frame, position);
        if (!certificate) unreadable.push(frame);
        return certificate ? [certificate] : [];
      });
      if (hasPseudoTlsShape(pending)) {
        handshake.pseudoTls = {
          kind: 'ms-turn-tcp',
          stunFrames: [],
          reason:
            'a ClientHello offering one suite and no extension (no SNI), answered by ServerHello + ServerHelloDone without a certificate: the handshake shape of Teams transport relays (MS-TURN over TCP)',
        };
      }
      return this.named(handshake, names);
    });
    if (unreadable.length) {
      warn({
        code: 'certificate-unreadable',
        message: `${unreadable.length} certificate(s) could not be read as X.509 and are left out`,
        frames: [...new Set(unreadable)].slice(0, 20),
        count: unreadable.length,
      });
    }
    return handshakes;
  }

  /** Fills in tshark's names for every code; versions share one table across the fields that carry them. */
  private named(handshake: TlsHandshake, names: ValueNames): TlsHandshake {
    const name = (field: string) => (c: { code: number }) => namedCode(names, this.field(field), c.code);
    const version = name('handshake.version');
    const { clientHello: ch, serverHello: sh, serverKeyExchange: ske } = handshake;
    if (ch) {
      ch.legacyVersion = version(ch.legacyVersion);
      if (ch.recordVersion) ch.recordVersion = version(ch.recordVersion);
      ch.supportedVersions = ch.supportedVersions.map(version);
      ch.cipherSuites = ch.cipherSuites.map(name('handshake.ciphersuite'));
      ch.extensions = ch.extensions.map(name('handshake.extension.type'));
      ch.supportedGroups = ch.supportedGroups.map(name('handshake.extensions_supported_group'));
      ch.signatureAlgorithms = ch.signatureAlgorithms.map(name('handshake.sig_hash_alg'));
    }
    if (sh) {
      sh.legacyVersion = version(sh.legacyVersion);
      sh.version = version(sh.version);
      sh.cipherSuite = name('handshake.ciphersuite')(sh.cipherSuite);
      sh.extensions = sh.extensions.map(name('handshake.extension.type'));
      if (sh.keyShareGroup) sh.keyShareGroup = name('handshake.extensions_supported_group')(sh.keyShareGroup);
    }
    if (ske?.namedCurve) ske.namedCurve = name('handshake.extensions_supported_group')(ske.namedCurve);
    if (ske?.signatureAlgorithm) ske.signatureAlgorithm = name('handshake.sig_hash_alg')(ske.signatureAlgorithm);
    handshake.alerts = handshake.alerts.map((a) => ({ ...a, description: name('alert_message.desc')(a.description) }));
    return handshake;
  }
}
