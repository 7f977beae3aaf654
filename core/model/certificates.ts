import { X509Certificate } from 'node:crypto';
import type { Certificate } from '../schema/generated/report.js';
import { withoutUndefined } from './collector.js';

/**
 * Reads one certificate as tshark extracted it from the handshake (tls.handshake.certificate: the DER bytes of
 * each certificate, in chain order). tshark's per-attribute x509 fields come out of `-T ek -e` as flat lists
 * that mix every certificate of the chain and of a stapled OCSP response, so which issuer or validity date
 * belongs to which certificate is lost; the DER keeps them together, and OpenSSL (Node's X509Certificate)
 * reads it. Returns undefined when the bytes are not a certificate OpenSSL accepts.
 */
export function readCertificate(derHex: string, frame: number, position: number): Certificate | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(Buffer.from(derHex, 'hex'));
  } catch {
    return undefined;
  }
  const subject = distinguishedName(x509.subject);
  const issuer = distinguishedName(x509.issuer);
  const notBefore = isoDate(x509.validFrom);
  const notAfter = isoDate(x509.validTo);
  if (!notBefore || !notAfter) return undefined;
  return withoutUndefined({
    frame,
    position,
    subject: subject.text,
    issuer: issuer.text,
    subjectCommonName: subject.commonName,
    issuerCommonName: issuer.commonName,
    notBefore,
    notAfter,
    subjectAltNames: subjectAltNames(x509.subjectAltName),
    serialNumber: x509.serialNumber.toLowerCase(),
    sha256: x509.fingerprint256.replaceAll(':', '').toLowerCase(),
    publicKey: publicKeyDescription(x509),
  });
}

/** Node gives "C=US\nST=Washington\n…\nCN=Microsoft IT TLS CA 4"; reports use the one-line "C=US, …" form. */
function distinguishedName(multiline: string): { text: string; commonName?: string } {
  const parts = multiline.split('\n').filter(Boolean);
  const commonName = parts.find((p) => p.startsWith('CN='))?.slice(3);
  return { text: parts.join(', '), commonName };
}

/** "DNS:teams.microsoft.com, DNS:*.teams.microsoft.com, IP Address:1.2.3.4" → the names, typed as written. */
function subjectAltNames(text: string | undefined): string[] {
  if (!text) return [];
  return text
    .split(/, (?=[A-Za-z][A-Za-z ]*:)/)
    .map((entry) => entry.replace(/^DNS:/, '').trim())
    .filter(Boolean);
}

function isoDate(opensslDate: string): string | undefined {
  const time = Date.parse(opensslDate);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

function publicKeyDescription(x509: X509Certificate): string | undefined {
  let key;
  try {
    key = x509.publicKey;
  } catch {
    return undefined; // a key algorithm OpenSSL cannot load; the rest of the certificate is still good
  }
  const details = key.asymmetricKeyDetails;
  if (!key.asymmetricKeyType) return undefined;
  if (details?.modulusLength) return `${key.asymmetricKeyType} ${details.modulusLength}`;
  if (details?.namedCurve) return `${key.asymmetricKeyType} ${details.namedCurve}`;
  return key.asymmetricKeyType;
}
