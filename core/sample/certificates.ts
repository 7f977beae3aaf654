import forge from 'node-forge';
import { SeededRandom } from './random.js';
import { generateRsaKeyPair } from './rsa.js';

/**
 * X.509 chains made with node-forge: a root CA signs an issuing CA that signs each server's certificate, RSA
 * 2048 with sha256WithRSAEncryption (PKCS#1 v1.5 signatures are deterministic, so the bytes follow the seed).
 * Names follow what Microsoft's servers send: Microsoft Azure TLS issuing CAs under DigiCert Global Root G2.
 */

export interface ServerCertificate {
  commonName: string;
  subjectAltNames: readonly string[];
  notBefore: Date;
  notAfter: Date;
  organization?: string;
}

interface Authority {
  certificate: forge.pki.Certificate;
  keys: forge.pki.rsa.KeyPair;
}

const DAY_MS = 86_400_000;

const authorities = new Map<string, CertificateAuthority>();

export class CertificateAuthority {
  private readonly issuer: Authority;
  private readonly issuerDer: Buffer;
  private readonly serverKeys: forge.pki.rsa.KeyPair;

  /**
   * The authority of one seed, made once per process: its keys take a prime search, and it depends on the
   * seed alone, so every scenario written with that seed shares it.
   */
  static forSeed(seed: number, captureStart: Date): CertificateAuthority {
    const key = `${seed}/${captureStart.toISOString()}`;
    let authority = authorities.get(key);
    if (!authority)
      authorities.set(
        key,
        (authority = new CertificateAuthority(new SeededRandom(`certificates/${seed}`), captureStart)),
      );
    return authority;
  }

  private constructor(random: SeededRandom, captureStart: Date) {
    const rootKeys = generateRsaKeyPair(random);
    const rootName = [
      { shortName: 'C', value: 'US' },
      { shortName: 'O', value: 'DigiCert Inc' },
      { shortName: 'OU', value: 'www.digicert.com' },
      { shortName: 'CN', value: 'DigiCert Global Root G2' },
    ];
    const root = sign(
      random,
      rootName,
      rootName,
      rootKeys.publicKey,
      rootKeys.privateKey,
      new Date('2013-08-01T12:00:00Z'),
      new Date('2038-01-15T12:00:00Z'),
      caExtensions(),
    );
    const issuerKeys = generateRsaKeyPair(random);
    const issuerName = [
      { shortName: 'C', value: 'US' },
      { shortName: 'O', value: 'Microsoft Corporation' },
      { shortName: 'CN', value: 'Microsoft Azure RSA TLS Issuing CA 03' },
    ];
    const issued = new Date(captureStart.getTime() - 700 * DAY_MS);
    const issuer = sign(
      random,
      issuerName,
      rootName,
      issuerKeys.publicKey,
      rootKeys.privateKey,
      issued,
      new Date(issued.getTime() + 1800 * DAY_MS),
      [
        ...caExtensions(0),
        { name: 'authorityKeyIdentifier', keyIdentifier: root.generateSubjectKeyIdentifier().getBytes() },
      ],
    );
    this.issuer = { certificate: issuer, keys: issuerKeys };
    this.issuerDer = der(issuer);
    // Servers share one key pair: a key per server would cost a prime search each and show nothing more.
    this.serverKeys = generateRsaKeyPair(random);
  }

  /** DER bytes of the server's certificate (its serial number drawn from `random`) and of the issuing CA's, as a server sends them. */
  chain(server: ServerCertificate, random: SeededRandom): Buffer[] {
    const subject = [
      { shortName: 'C', value: 'US' },
      { shortName: 'ST', value: 'WA' },
      { shortName: 'L', value: 'Redmond' },
      { shortName: 'O', value: server.organization ?? 'Microsoft Corporation' },
      { shortName: 'CN', value: server.commonName },
    ];
    const leaf = sign(
      random,
      subject,
      this.issuer.certificate.subject.attributes,
      this.serverKeys.publicKey,
      this.issuer.keys.privateKey,
      server.notBefore,
      server.notAfter,
      [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', critical: true, digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
        { name: 'subjectAltName', altNames: server.subjectAltNames.map((value) => ({ type: 2, value })) },
        { name: 'subjectKeyIdentifier' },
        {
          name: 'authorityKeyIdentifier',
          keyIdentifier: this.issuer.certificate.generateSubjectKeyIdentifier().getBytes(),
        },
      ],
    );
    return [der(leaf), this.issuerDer];
  }

  /** An RSA PKCS#1 v1.5 signature by the servers' key (a ServerKeyExchange's signature). */
  serverSignature(data: Buffer): Buffer {
    const digest = forge.md.sha256.create();
    digest.update(data.toString('binary'));
    return Buffer.from(this.serverKeys.privateKey.sign(digest), 'binary');
  }
}

function sign(
  random: SeededRandom,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  publicKey: forge.pki.rsa.PublicKey,
  signer: forge.pki.rsa.PrivateKey,
  notBefore: Date,
  notAfter: Date,
  extensions: object[],
): forge.pki.Certificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = publicKey;
  // A positive 16-byte serial number (RFC 5280 §4.1.2.2).
  const serial = random.bytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x10;
  certificate.serialNumber = serial.toString('hex');
  certificate.validity.notBefore = notBefore;
  certificate.validity.notAfter = notAfter;
  certificate.setSubject(subject);
  certificate.setIssuer(issuer);
  certificate.setExtensions(extensions);
  certificate.sign(signer, forge.md.sha256.create());
  return certificate;
}

function caExtensions(pathLength?: number): object[] {
  return [
    {
      name: 'basicConstraints',
      cA: true,
      critical: true,
      ...(pathLength === undefined ? {} : { pathLenConstraint: pathLength }),
    },
    { name: 'keyUsage', critical: true, keyCertSign: true, cRLSign: true, digitalSignature: true },
    { name: 'subjectKeyIdentifier' },
  ];
}

function der(certificate: forge.pki.Certificate): Buffer {
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary');
}
