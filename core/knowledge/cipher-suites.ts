/*
 * TLS cipher suites: IANA's registry (tls-cipher-suites.json, converted from IANA's CSV by
 * scripts/convert-iana-cipher-suites.mjs), each suite taken apart and graded.
 *
 * Decomposition, read from the IANA name:
 *   TLS 1.2 and earlier  TLS_<key exchange>_<authentication>[_EXPORT]_WITH_<cipher>_<bits>_<mode>_<hash>
 *                        e.g. TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384; RSA alone is both (TLS_RSA_WITH_…), PSK and SRP
 *                        have their own spellings (TLS_RSA_PSK_…, TLS_SRP_SHA_DSS_…), 'anon' authenticates nobody.
 *   TLS 1.3              TLS_<cipher>_<bits>_<mode>_<hash>, e.g. TLS_AES_128_GCM_SHA256: the key exchange and the
 *                        authentication are negotiated apart (key_share, signature_algorithms).
 *   Irregular ciphers    RC4_128 (a stream cipher), 3DES_EDE_CBC, DES40_CBC, IDEA_CBC, SEED_CBC, CHACHA20_POLY1305,
 *                        CCM_8 (8-byte tag), NULL (no encryption); CCM suites name no hash (their PRF is SHA-256).
 *   The hash             in an AEAD suite it is the PRF's (HKDF's in TLS 1.3); otherwise it is also the HMAC's.
 *   Not suites           *_SCSV values signal something to the server; GREASE values (RFC 8701) only test that
 *                        servers ignore unknown values. Neither is ever negotiated, so neither is graded.
 *
 * Grading follows one published policy: Mozilla's Server Side TLS recommendations, guideline 5.7
 * (https://wiki.mozilla.org/Security/Server_Side_TLS, https://ssl-config.mozilla.org/guidelines/5.7.json), whose
 * configurations are Modern (TLS 1.3 suites), Intermediate (those plus ECDHE/DHE with AES-GCM or ChaCha20-Poly1305)
 * and Old (for legacy clients: adds CBC suites whatever their MAC, static RSA key exchange and 3DES). The first
 * grade whose rules match wins, and the reason lists every matching rule of that grade:
 *   insecure     in no Mozilla configuration and broken: NULL cipher, anonymous authentication, EXPORT, RC4, single
 *                DES, RC2, IDEA, an MD5 MAC, or a key under 112 bits.
 *   weak         Old only (or a suite of the same kind): 3DES (Sweet32), no forward secrecy (static RSA, DH or ECDH,
 *                plain PSK, Kerberos), or CBC with a separate HMAC — MAC-then-encrypt, the Lucky13 class, with
 *                SHA-1 and SHA-2 MACs alike.
 *   recommended  in Mozilla's Intermediate (or Modern) list.
 *   secure       forward secret with an AEAD cipher, Mozilla's Intermediate criteria, but not in its list (CCM,
 *                ARIA, Camellia, PSK variants).
 * IANA's "Recommended" column is kept as data (recommendedByIana) but does not grade.
 */
import registryJson from './tls-cipher-suites.json' with { type: 'json' };
import type { CipherSuiteEntry } from '../schema/generated/tls-cipher-suites.js';
import { checked, validateCipherSuiteRegistry } from '../schema/validate.js';

export type KeyExchange =
  | 'ECDHE'
  | 'DHE'
  | 'RSA'
  | 'ECDH'
  | 'DH'
  | 'PSK'
  | 'ECDHE_PSK'
  | 'DHE_PSK'
  | 'RSA_PSK'
  | 'SRP'
  | 'KRB5'
  | 'ECCPWD'
  | 'GOSTR341112_256'
  | 'NULL'
  | 'any (TLS 1.3)'
  | 'none';
export type Authentication =
  | 'RSA'
  | 'ECDSA'
  | 'DSS'
  | 'anon'
  | 'PSK'
  | 'RSA+PSK'
  | 'SRP'
  | 'RSA+SRP'
  | 'DSS+SRP'
  | 'KRB5'
  | 'ECCPWD'
  | 'GOSTR341112_256'
  | 'NULL'
  | 'any (TLS 1.3)'
  | 'none';
export type Cipher =
  | 'AES'
  | 'CHACHA20'
  | 'CAMELLIA'
  | 'ARIA'
  | 'SEED'
  | 'AEGIS'
  | 'SM4'
  | 'KUZNYECHIK'
  | 'MAGMA'
  | 'GOST28147'
  | '3DES_EDE'
  | 'DES'
  | 'RC4'
  | 'RC2'
  | 'IDEA'
  | 'NULL'
  | 'none';
export type CipherMode =
  'GCM' | 'CCM' | 'CCM_8' | 'CBC' | 'POLY1305' | 'stream' | 'CTR_OMAC' | 'CNT_IMIT' | 'MGM_L' | 'MGM_S';
export type Hash = 'SHA384' | 'SHA256' | 'SHA' | 'MD5' | 'SM3' | 'GOSTR341112_256' | 'NULL' | 'none';
export type CipherSuiteGrade = 'recommended' | 'secure' | 'weak' | 'insecure';

/** What a suite is made of, as read from its IANA name. */
export interface CipherSuiteParts {
  keyExchange: KeyExchange;
  authentication: Authentication;
  cipher: Cipher;
  keyBits?: number;
  mode?: CipherMode;
  hash: Hash;
  /** 'PRF': the hash only derives keys (AEAD suites, TLS 1.3); 'MAC': it is also the record HMAC's. */
  hashRole?: 'MAC' | 'PRF';
  forwardSecrecy: boolean;
  aead: boolean;
  export: boolean;
  tls13: boolean;
}

export interface CipherSuiteInfo extends CipherSuiteParts {
  code: number;
  /** e.g. '0xc030' */
  hex: string;
  /** IANA's name, e.g. 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'; GREASE values are 'Reserved (GREASE)'. */
  name: string;
  /** OpenSSL's name, e.g. 'ECDHE-RSA-AES256-GCM-SHA384', for the suites OpenSSL implements. */
  openssl?: string;
  /** IANA's DTLS-OK: the suite may be used over DTLS. */
  dtlsOk: boolean;
  grease: boolean;
  /** A signalling value (TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV), not a suite. */
  signalling: boolean;
  grade: CipherSuiteGrade | 'not applicable';
  /** Why, in one sentence. */
  gradeReason: string;
  /** For insecure and weak suites, each weakness on its own (the parts of gradeReason), to group suites by. */
  weaknesses?: string[];
  recommendedByIana: boolean;
  /** IANA's references, e.g. ['RFC5289']. */
  references: string[];
  /** The RFCs among them, e.g. ['https://www.rfc-editor.org/rfc/rfc5289']. */
  rfcUrls: string[];
}

/** IANA's <key exchange>_<authentication> spellings; EXPORT is taken off first. */
const KEY_EXCHANGES: Record<string, [KeyExchange, Authentication]> = {
  NULL: ['NULL', 'NULL'],
  RSA: ['RSA', 'RSA'],
  DH_DSS: ['DH', 'DSS'],
  DH_RSA: ['DH', 'RSA'],
  DHE_DSS: ['DHE', 'DSS'],
  DHE_RSA: ['DHE', 'RSA'],
  // Anonymous suites send a fresh, unsigned key (RFC 5246 §7.4.3, RFC 8422 §2.3): ephemeral, like DHE and ECDHE.
  DH_anon: ['DHE', 'anon'],
  ECDH_anon: ['ECDHE', 'anon'],
  ECDH_ECDSA: ['ECDH', 'ECDSA'],
  ECDH_RSA: ['ECDH', 'RSA'],
  ECDHE_ECDSA: ['ECDHE', 'ECDSA'],
  ECDHE_RSA: ['ECDHE', 'RSA'],
  KRB5: ['KRB5', 'KRB5'],
  PSK: ['PSK', 'PSK'],
  DHE_PSK: ['DHE_PSK', 'PSK'],
  PSK_DHE: ['DHE_PSK', 'PSK'], // RFC 6655's spelling for 0xc0aa and 0xc0ab
  RSA_PSK: ['RSA_PSK', 'RSA+PSK'],
  ECDHE_PSK: ['ECDHE_PSK', 'PSK'],
  SRP_SHA: ['SRP', 'SRP'],
  SRP_SHA_RSA: ['SRP', 'RSA+SRP'],
  SRP_SHA_DSS: ['SRP', 'DSS+SRP'],
  ECCPWD: ['ECCPWD', 'ECCPWD'],
  GOSTR341112_256: ['GOSTR341112_256', 'GOSTR341112_256'],
};

/** Key exchanges with a fresh secret per connection: a key stolen later does not decrypt recordings. */
const FORWARD_SECRET = new Set<KeyExchange>(['ECDHE', 'DHE', 'ECDHE_PSK', 'DHE_PSK', 'SRP', 'ECCPWD', 'any (TLS 1.3)']);

type CipherPart = Pick<CipherSuiteParts, 'cipher' | 'keyBits' | 'mode' | 'aead'>;

/** The cipher spellings between _WITH_ (or TLS_ in TLS 1.3) and the hash. */
const CIPHERS: [RegExp, (m: RegExpExecArray) => CipherPart][] = [
  [/^NULL$/, () => ({ cipher: 'NULL', aead: false })],
  // RFC 9150's integrity-only TLS 1.3 suites (TLS_SHA256_SHA256): HMAC, and no encryption.
  [/^SHA(256|384)$/, () => ({ cipher: 'NULL', aead: false })],
  [/^RC4_(40|128)$/, (m) => ({ cipher: 'RC4', keyBits: Number(m[1]), mode: 'stream', aead: false })],
  [/^RC2_CBC_40$/, () => ({ cipher: 'RC2', keyBits: 40, mode: 'CBC', aead: false })],
  [/^IDEA_CBC$/, () => ({ cipher: 'IDEA', keyBits: 128, mode: 'CBC', aead: false })],
  [/^(DES40_CBC|DES_CBC_40)$/, () => ({ cipher: 'DES', keyBits: 40, mode: 'CBC', aead: false })],
  [/^DES_CBC$/, () => ({ cipher: 'DES', keyBits: 56, mode: 'CBC', aead: false })],
  [/^3DES_EDE_CBC$/, () => ({ cipher: '3DES_EDE', keyBits: 168, mode: 'CBC', aead: false })],
  [/^SEED_CBC$/, () => ({ cipher: 'SEED', keyBits: 128, mode: 'CBC', aead: false })],
  [
    /^(AES|CAMELLIA|ARIA)_(128|256)_(CBC|GCM|CCM|CCM_8)$/,
    (m) => ({ cipher: m[1] as Cipher, keyBits: Number(m[2]), mode: m[3] as CipherMode, aead: m[3] !== 'CBC' }),
  ],
  [/^CHACHA20_POLY1305$/, () => ({ cipher: 'CHACHA20', keyBits: 256, mode: 'POLY1305', aead: true })],
  [/^AEGIS_(256|128L)$/, (m) => ({ cipher: 'AEGIS', keyBits: Number.parseInt(m[1], 10), aead: true })],
  [/^SM4_(GCM|CCM)$/, (m) => ({ cipher: 'SM4', keyBits: 128, mode: m[1] as CipherMode, aead: true })],
  [
    /^(KUZNYECHIK|MAGMA)_(CTR_OMAC|MGM_L|MGM_S)$/,
    (m) => ({ cipher: m[1] as Cipher, keyBits: 256, mode: m[2] as CipherMode, aead: m[2] !== 'CTR_OMAC' }),
  ],
  [/^28147_CNT_IMIT$/, () => ({ cipher: 'GOST28147', keyBits: 256, mode: 'CNT_IMIT', aead: false })],
];

/** 'AES_256_GCM_SHA384' → ['AES_256_GCM', 'SHA384', named]; a hash the name leaves out is the PRF's. */
function splitHash(body: string, name: string): [string, Hash, boolean] {
  const named = /^(.+)_(SHA|SHA256|SHA384|MD5|SM3|NULL)$/.exec(body);
  if (named) return [named[1], named[2] as Hash, true];
  // RFC 6655 §3 and RFC 7251 §2: the CCM suites use the TLS 1.2 PRF with SHA-256.
  if (/_CCM(_8)?$/.test(body)) return [body, 'SHA256', false];
  // RFC 9189: the GOST suites derive keys with Streebog-256 (GOST R 34.11-2012) and carry their MAC in the mode.
  if (/^(KUZNYECHIK|MAGMA|28147)_/.test(body)) return [body, 'GOSTR341112_256', false];
  throw new Error(`${name}: no hash at the end of the name`);
}

/** Takes an IANA suite name apart; throws on a spelling the rules above do not know. */
function decompose(name: string): CipherSuiteParts {
  const withAt = name.indexOf('_WITH_');
  const [cipherText, hash, hashNamed] = splitHash(
    withAt < 0 ? name.slice('TLS_'.length) : name.slice(withAt + '_WITH_'.length),
    name,
  );
  const rule = CIPHERS.map(([pattern, part]) => {
    const m = pattern.exec(cipherText);
    return m && part(m);
  }).find((part) => part);
  if (!rule) throw new Error(`${name}: unknown cipher "${cipherText}"`);
  // The GOST TLS 1.3 suites (MGM modes) keep a TLS 1.2-style name.
  const tls13 = withAt < 0 || rule.mode === 'MGM_L' || rule.mode === 'MGM_S';
  let keyExchangeText = tls13 ? '' : name.slice('TLS_'.length, withAt);
  const exportSuite = keyExchangeText.endsWith('_EXPORT');
  if (exportSuite) keyExchangeText = keyExchangeText.slice(0, -'_EXPORT'.length);
  const pair: [KeyExchange, Authentication] | undefined = tls13
    ? ['any (TLS 1.3)', 'any (TLS 1.3)']
    : KEY_EXCHANGES[keyExchangeText];
  if (!pair) throw new Error(`${name}: unknown key exchange "${keyExchangeText}"`);
  const [keyExchange, authentication] = pair;
  const parts: CipherSuiteParts = {
    keyExchange,
    authentication,
    cipher: rule.cipher,
    hash,
    hashRole: rule.aead || !hashNamed ? 'PRF' : 'MAC',
    forwardSecrecy: FORWARD_SECRET.has(keyExchange),
    aead: rule.aead,
    export: exportSuite,
    tls13,
  };
  if (rule.keyBits !== undefined) parts.keyBits = rule.keyBits;
  if (rule.mode) parts.mode = rule.mode;
  return parts;
}

/** The grading rules of the comment at the top; reads nothing but the suite's parts and IANA's Recommended flag. */
/** Mozilla Server Side TLS 5.7, Intermediate configuration (its TLS 1.3 suites are Modern's), by IANA name. */
const MOZILLA_INTERMEDIATE: ReadonlySet<string> = new Set([
  'TLS_AES_128_GCM_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
]);

const POLICY = 'Mozilla Server Side TLS 5.7';

export function gradeCipherSuite(
  suite: CipherSuiteParts,
  name: string,
): { grade: CipherSuiteGrade; gradeReason: string; weaknesses?: string[] } {
  const insecure = [
    suite.cipher === 'NULL' && 'it does not encrypt at all (NULL cipher), so anyone on the path reads the traffic',
    suite.authentication === 'anon' &&
      'nobody is authenticated (anonymous key exchange), so anyone in the middle can pose as the server',
    suite.export && 'it is an EXPORT suite, weakened on purpose for 1990s export rules (FREAK, Logjam)',
    suite.cipher === 'RC4' && 'RC4 has biases that leak plaintext, and RFC 7465 forbids it in TLS',
    suite.cipher === 'DES' && 'single DES was retired from TLS (RFC 5469)',
    suite.cipher === 'RC2' && 'RC2 is an obsolete cipher',
    suite.cipher === 'IDEA' && 'IDEA is an obsolete 64-bit-block cipher retired from TLS (RFC 5469)',
    suite.hash === 'MD5' && suite.hashRole === 'MAC' && 'it protects records with MD5, a broken hash',
    suite.keyBits !== undefined &&
      suite.keyBits < 112 &&
      `its ${suite.keyBits}-bit key is short enough to find by brute force`,
  ];
  const weak = [
    suite.cipher === '3DES_EDE' &&
      '3DES gives only 112 bits of strength and its 64-bit blocks leak data on long connections (Sweet32)',
    !suite.forwardSecrecy &&
      "there is no forward secrecy: a key stolen later (the server's private key or the pre-shared key) decrypts every recorded session",
    suite.mode === 'CBC' &&
      suite.hashRole === 'MAC' &&
      `CBC mode with a separate HMAC-${suite.hash === 'SHA' ? 'SHA1' : suite.hash} (MAC-then-encrypt) is open to padding-oracle and timing attacks (Lucky13${suite.hash === 'SHA' ? ', BEAST' : ''})`,
  ];
  const insecureReasons = insecure.filter((reason): reason is string => typeof reason === 'string');
  if (insecureReasons.length)
    return {
      grade: 'insecure',
      gradeReason: `${sentence(insecureReasons.join('; '))} In no ${POLICY} configuration.`,
      weaknesses: insecureReasons,
    };
  const weakReasons = weak.filter((reason): reason is string => typeof reason === 'string');
  if (weakReasons.length)
    return {
      grade: 'weak',
      gradeReason: `${sentence(weakReasons.join('; '))} ${POLICY}: only for legacy clients (Old configuration), not in Intermediate.`,
      weaknesses: weakReasons,
    };
  if (MOZILLA_INTERMEDIATE.has(name)) {
    return {
      grade: 'recommended',
      gradeReason: suite.tls13
        ? `${POLICY} recommends it (Modern and Intermediate configurations): a TLS 1.3 AEAD suite, and TLS 1.3 always negotiates a forward-secret key exchange.`
        : `${POLICY} recommends it (Intermediate configuration): a forward-secret key exchange with an AEAD cipher.`,
    };
  }
  return {
    grade: 'secure',
    gradeReason: suite.aead
      ? `Forward secret with an AEAD cipher, as ${POLICY} asks of its Intermediate configuration, but not in that configuration's list.`
      : `Forward secret, with a cipher ${POLICY} neither lists nor rules out (${suite.cipher} ${suite.mode ?? ''}).`.replace(
          ' )',
          ')',
        ),
  };
}

function sentence(text: string): string {
  return `${text[0].toUpperCase()}${text.slice(1)}.`;
}

/** OpenSSL's prefix for the key exchanges it implements (it dropped static DH/ECDH and KRB5 in 1.1.0). */
const OPENSSL_PREFIXES: Record<string, string> = {
  RSA: '',
  DHE_RSA: 'DHE-RSA-',
  DHE_DSS: 'DHE-DSS-',
  DH_anon: 'ADH-',
  ECDHE_RSA: 'ECDHE-RSA-',
  ECDHE_ECDSA: 'ECDHE-ECDSA-',
  ECDH_anon: 'AECDH-',
  PSK: 'PSK-',
  DHE_PSK: 'DHE-PSK-',
  PSK_DHE: 'DHE-PSK-',
  RSA_PSK: 'RSA-PSK-',
  ECDHE_PSK: 'ECDHE-PSK-',
  SRP_SHA: 'SRP-',
  SRP_SHA_RSA: 'SRP-RSA-',
  SRP_SHA_DSS: 'SRP-DSS-',
};

/**
 * OpenSSL's name, by its naming scheme (ssl/s3_lib.c): '<prefix><cipher>[-<mode>]-<hash>', no hash after CCM or
 * CHACHA20-POLY1305, and the TLS 1.3 suites under their IANA names. Undefined for what OpenSSL does not implement
 * (EXPORT, DES, static DH/ECDH, KRB5 and the ciphers opensslCipher does not name).
 */
function opensslName(name: string, parts: CipherSuiteParts): string | undefined {
  if (parts.tls13) return parts.cipher === 'AES' || parts.cipher === 'CHACHA20' ? name : undefined;
  const keyExchangeText = name.slice('TLS_'.length, name.indexOf('_WITH_'));
  const prefix = OPENSSL_PREFIXES[keyExchangeText];
  const cipher = opensslCipher(keyExchangeText, parts);
  if (prefix === undefined || cipher === undefined) return undefined;
  // The ECDHE-RSA ARIA suites are the one place OpenSSL leaves RSA out.
  const fullPrefix = parts.cipher === 'ARIA' && keyExchangeText === 'ECDHE_RSA' ? 'ECDHE-' : prefix;
  const hashSuffix =
    parts.mode === 'CCM' || parts.mode === 'CCM_8' || parts.mode === 'POLY1305' ? '' : `-${parts.hash}`;
  return `${fullPrefix}${cipher}${hashSuffix}`;
}

/** OpenSSL's spelling of the cipher and mode, which differs in the PSK and SRP suites; undefined where it has none. */
function opensslCipher(
  keyExchangeText: string,
  { cipher, keyBits, mode, authentication }: CipherSuiteParts,
): string | undefined {
  const psk = keyExchangeText.includes('PSK');
  const srp = keyExchangeText.startsWith('SRP');
  switch (cipher) {
    case 'NULL':
    case 'RC4':
    case 'SEED':
      return cipher;
    case 'IDEA':
      return 'IDEA-CBC';
    case '3DES_EDE':
      return psk || srp ? '3DES-EDE-CBC' : 'DES-CBC3';
    case 'CHACHA20':
      return 'CHACHA20-POLY1305';
    case 'CAMELLIA':
      return mode === 'CBC' ? `CAMELLIA${keyBits}` : undefined;
    case 'ARIA':
      return mode === 'GCM' && authentication !== 'anon' ? `ARIA${keyBits}-GCM` : undefined;
    case 'AES':
      if (mode === 'CBC') return srp ? `AES-${keyBits}-CBC` : psk ? `AES${keyBits}-CBC` : `AES${keyBits}`;
      // RFC 8442's ECDHE_PSK AEAD suites are not in OpenSSL.
      return keyExchangeText === 'ECDHE_PSK' ? undefined : `AES${keyBits}-${mode === 'CCM_8' ? 'CCM8' : mode}`;
    default:
      return undefined;
  }
}

const GREASE_NAME = 'Reserved (GREASE)';

const SIGNALS: Record<string, string> = {
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV:
    'Not a cipher suite: the client signals that it supports secure renegotiation (RFC 5746).',
  TLS_FALLBACK_SCSV:
    'Not a cipher suite: the client signals a retry with a lower version, which a server supporting a higher one refuses (RFC 7507).',
};

const NOT_A_SUITE: CipherSuiteParts = {
  keyExchange: 'none',
  authentication: 'none',
  cipher: 'none',
  hash: 'none',
  forwardSecrecy: false,
  aead: false,
  export: false,
  tls13: false,
};

function hex(code: number): string {
  return `0x${code.toString(16).padStart(4, '0')}`;
}

function rfcUrls(references: string[]): string[] {
  return references.flatMap((reference) => {
    const rfc = /^RFC(\d+)$/.exec(reference);
    return rfc ? [`https://www.rfc-editor.org/rfc/rfc${rfc[1]}`] : [];
  });
}

function describeEntry(entry: CipherSuiteEntry): CipherSuiteInfo {
  const { code, name, dtlsOk, recommended, references } = entry;
  const common = {
    code,
    hex: hex(code),
    name,
    dtlsOk,
    grease: false,
    recommendedByIana: recommended,
    references,
    rfcUrls: rfcUrls(references),
  };
  if (name.endsWith('_SCSV')) {
    const gradeReason =
      SIGNALS[name] ?? 'Not a cipher suite: a signalling value the client lists to tell the server something.';
    return { ...common, ...NOT_A_SUITE, signalling: true, grade: 'not applicable', gradeReason };
  }
  const parts = decompose(name);
  const openssl = opensslName(name, parts);
  return { ...common, ...(openssl && { openssl }), ...parts, signalling: false, ...gradeCipherSuite(parts, name) };
}

function describeGrease(code: number): CipherSuiteInfo {
  const references = ['RFC8701'];
  return {
    code,
    hex: hex(code),
    name: GREASE_NAME,
    ...NOT_A_SUITE,
    dtlsOk: true,
    grease: true,
    signalling: false,
    grade: 'not applicable',
    gradeReason:
      'Not a cipher suite: a GREASE value (RFC 8701) that clients list so servers keep ignoring values they do not know.',
    recommendedByIana: false,
    references,
    rfcUrls: rfcUrls(references),
  };
}

function loadRegistry(json: unknown) {
  const where = 'core/knowledge/tls-cipher-suites.json';
  const data = checked(validateCipherSuiteRegistry, json, where);
  const byCode = new Map<number, CipherSuiteInfo>();
  const byName = new Map<string, CipherSuiteInfo>();
  for (const entry of data.suites) {
    // Decomposing every suite here makes a registry update with an unknown spelling fail at first use, in the tests.
    const info = describeEntry(entry);
    for (const key of [info.name, info.openssl]) {
      if (!key) continue;
      const other = byName.get(key.toUpperCase());
      if (other && other !== info) throw new Error(`${where}: ${key} names both ${other.hex} and ${info.hex}`);
      byName.set(key.toUpperCase(), info);
    }
    byCode.set(info.code, info);
  }
  return { byCode, byName, grease: new Set(data.grease) };
}

let loadedRegistry: ReturnType<typeof loadRegistry> | undefined;

/** The registry, described whole on first use: an analysis of a capture without TLS never pays its ≈ 15 ms. */
function registry(): ReturnType<typeof loadRegistry> {
  return (loadedRegistry ??= loadRegistry(registryJson));
}

/** True for the RFC 8701 GREASE values (0x0a0a, 0x1a1a, … 0xfafa). */
export function isGrease(code: number): boolean {
  return registry().grease.has(code);
}

/** '0xc030', '0xC0,0x30' or 'c030' → 49200; strings are hexadecimal, as Wireshark and OpenSSL print codes. */
function parseCode(text: string): number | undefined {
  const pair = /^0x([0-9a-f]{1,2})\s*,\s*0x([0-9a-f]{1,2})$/i.exec(text);
  if (pair) return parseInt(pair[1], 16) * 256 + parseInt(pair[2], 16);
  const single = /^(?:0x)?([0-9a-f]{1,4})$/i.exec(text);
  return single ? parseInt(single[1], 16) : undefined;
}

function describeCode(code: number): CipherSuiteInfo | undefined {
  if (registry().grease.has(code)) return describeGrease(code);
  return registry().byCode.get(code);
}

/**
 * A cipher suite by code (49200, '0xc030', '0xC0,0x30', 'c030'), IANA name (any case; old 'SSL_' names too) or
 * OpenSSL name ('ECDHE-RSA-AES256-GCM-SHA384'); undefined for anything IANA has not assigned.
 */
export function describeCipherSuite(query: string | number): CipherSuiteInfo | undefined {
  if (typeof query === 'number') return Number.isInteger(query) ? describeCode(query) : undefined;
  const text = query.trim();
  const code = parseCode(text);
  if (code !== undefined) return describeCode(code);
  const upper = text.toUpperCase();
  // SSL 3.0 and Java name the same suites SSL_…: SSL_RSA_WITH_RC4_128_MD5 is TLS_RSA_WITH_RC4_128_MD5.
  return (
    registry().byName.get(upper) ??
    (upper.startsWith('SSL_') ? registry().byName.get(`TLS_${upper.slice(4)}`) : undefined)
  );
}
