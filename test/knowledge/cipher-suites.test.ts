import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describeCipherSuite, isGrease } from '../../core/knowledge/cipher-suites.js';
import { validateCipherSuiteRegistry } from '../../core/schema/validate.js';
import { temporaryFolder } from '../helpers.js';
import { readCheckedJson } from '../json-files.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CONVERTER = join(repoRoot, 'scripts/convert-iana-cipher-suites.mjs');
const IANA_CSV = join(repoRoot, 'scripts/data/iana-tls-parameters-4.csv');
const SUITES = join(repoRoot, 'core/knowledge/tls-cipher-suites.json');

async function registeredSuites(): Promise<{ code: number; name: string }[]> {
  return (await readCheckedJson(validateCipherSuiteRegistry, 'core/knowledge/tls-cipher-suites.json')).suites;
}

describe('cipher suites: what a code or a name stands for', function () {
  it('takes 0xc030 apart: ECDHE key exchange, RSA certificate, AES-256 in GCM mode, SHA-384 for the PRF', function () {
    assert.deepEqual(describeCipherSuite(0xc030), {
      code: 49200,
      hex: '0xc030',
      name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      openssl: 'ECDHE-RSA-AES256-GCM-SHA384',
      keyExchange: 'ECDHE',
      authentication: 'RSA',
      cipher: 'AES',
      keyBits: 256,
      mode: 'GCM',
      hash: 'SHA384',
      hashRole: 'PRF',
      forwardSecrecy: true,
      aead: true,
      export: false,
      tls13: false,
      dtlsOk: true,
      grease: false,
      signalling: false,
      grade: 'recommended',
      gradeReason:
        'Mozilla Server Side TLS 5.7 recommends it (Intermediate configuration): a forward-secret key exchange with an AEAD cipher.',
      recommendedByIana: true,
      references: ['RFC5289'],
      rfcUrls: ['https://www.rfc-editor.org/rfc/rfc5289'],
    });
  });

  it('finds the same suite by OpenSSL name, IANA name in any case, hexadecimal code or number', function () {
    const expected = describeCipherSuite(49200);
    for (const query of [
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ecdhe-rsa-aes256-gcm-sha384',
      'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
      'tls_ecdhe_rsa_with_aes_256_gcm_sha384',
      '0xc030',
      '0xC030',
      '0xC0,0x30',
      '0xc0, 0x30',
      'c030',
      ' 0xc030 ',
    ]) {
      assert.deepEqual(describeCipherSuite(query), expected, query);
    }
  });

  it('knows the TLS 1.3 suites, whose key exchange and authentication are negotiated apart', function () {
    const suite = describeCipherSuite('TLS_AES_128_GCM_SHA256');
    assert.equal(suite?.code, 0x1301);
    assert.equal(suite?.openssl, 'TLS_AES_128_GCM_SHA256');
    assert.equal(suite?.tls13, true);
    assert.equal(suite?.keyExchange, 'any (TLS 1.3)');
    assert.equal(suite?.authentication, 'any (TLS 1.3)');
    assert.equal(suite?.mode, 'GCM');
    assert.equal(suite?.hashRole, 'PRF');
    assert.equal(suite?.forwardSecrecy, true);
    assert.equal(suite?.grade, 'recommended');
    assert.deepEqual(suite?.references, ['RFC8446']);
    assert.equal(describeCipherSuite('0x1303')?.cipher, 'CHACHA20');
    // TLS_AES_128_CCM_8_SHA256: an AEAD suite Mozilla's configurations do not list (its tag is 8 bytes).
    assert.equal(describeCipherSuite(0x1305)?.grade, 'secure');
    assert.match(describeCipherSuite(0x1301)!.gradeReason, /^Mozilla Server Side TLS 5\.7 recommends it/);
  });

  it('calls TLS_RSA_WITH_AES_128_CBC_SHA weak: no forward secrecy, and CBC with a SHA-1 MAC', function () {
    const suite = describeCipherSuite(0x002f);
    assert.equal(suite?.name, 'TLS_RSA_WITH_AES_128_CBC_SHA');
    assert.equal(suite?.openssl, 'AES128-SHA');
    assert.equal(suite?.hash, 'SHA');
    assert.equal(suite?.hashRole, 'MAC');
    assert.equal(suite?.forwardSecrecy, false);
    assert.equal(suite?.grade, 'weak');
    assert.match(suite!.gradeReason, /no forward secrecy/);
    assert.match(suite!.gradeReason, /CBC mode with a separate HMAC-SHA1 .*Lucky13/);
    assert.match(suite!.gradeReason, /Mozilla Server Side TLS 5\.7: only for legacy clients/);
  });

  it('calls RC4 with MD5, and anonymous suites, insecure', function () {
    const rc4 = describeCipherSuite('TLS_RSA_WITH_RC4_128_MD5');
    assert.equal(rc4?.openssl, 'RC4-MD5');
    assert.equal(rc4?.mode, 'stream');
    assert.equal(rc4?.grade, 'insecure');
    assert.match(rc4!.gradeReason, /RC4/);
    assert.match(rc4!.gradeReason, /MD5/);
    assert.equal(describeCipherSuite('SSL_RSA_WITH_RC4_128_MD5')?.code, 0x0004);

    const anon = describeCipherSuite('TLS_DH_anon_WITH_RC4_128_MD5');
    assert.equal(anon?.openssl, 'ADH-RC4-MD5');
    assert.equal(anon?.authentication, 'anon');
    assert.equal(anon?.grade, 'insecure');
    assert.match(anon!.gradeReason, /^Nobody is authenticated/);
  });

  it('calls 3DES weak: 112 bits of strength and 64-bit blocks (Sweet32)', function () {
    const suite = describeCipherSuite('TLS_RSA_WITH_3DES_EDE_CBC_SHA');
    assert.equal(suite?.openssl, 'DES-CBC3-SHA');
    assert.equal(suite?.cipher, '3DES_EDE');
    assert.equal(suite?.keyBits, 168);
    assert.equal(suite?.grade, 'weak');
    assert.match(suite!.gradeReason, /^3DES gives only 112 bits .*Sweet32/);
  });

  // Issue 15, point 10: Lucky13 concerns every CBC-with-HMAC suite, so a SHA-2 MAC grades like a SHA-1 one.
  it('calls forward-secret CBC with a SHA-2 MAC weak, like CBC with SHA-1 (one policy: Mozilla, Old configuration only)', function () {
    const suite = describeCipherSuite(0xc027);
    assert.equal(suite?.name, 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256');
    assert.equal(suite?.openssl, 'ECDHE-RSA-AES128-SHA256');
    assert.equal(suite?.grade, 'weak');
    assert.match(suite!.gradeReason, /^CBC mode with a separate HMAC-SHA256 \(MAC-then-encrypt\).*Lucky13/);
    assert.equal(
      describeCipherSuite(0xc028)?.grade,
      describeCipherSuite(0xc014)?.grade,
      'CBC_SHA384 and CBC_SHA grade alike',
    );
  });

  it("follows OpenSSL's irregular names", function () {
    const names = {
      'AES128-SHA': 0x002f,
      'DHE-RSA-AES256-SHA': 0x0039,
      'ECDHE-ECDSA-CHACHA20-POLY1305': 0xcca9,
      'ECDHE-RSA-DES-CBC3-SHA': 0xc012,
      'PSK-AES128-CBC-SHA': 0x008c,
      'PSK-3DES-EDE-CBC-SHA': 0x008b,
      'SRP-RSA-AES-256-CBC-SHA': 0xc021,
      'ECDHE-ARIA256-GCM-SHA384': 0xc061,
      'DHE-PSK-AES128-CCM8': 0xc0aa,
      'AECDH-NULL-SHA': 0xc015,
      'SEED-SHA': 0x0096,
    };
    for (const [openssl, code] of Object.entries(names))
      assert.equal(describeCipherSuite(openssl)?.code, code, openssl);
    // OpenSSL has no static (EC)DH, EXPORT or Camellia-GCM suites.
    for (const code of [0xc031, 0x0003, 0xc08b])
      assert.equal(describeCipherSuite(code)?.openssl, undefined, code.toString(16));
  });

  it('recognises GREASE values, which are never graded', function () {
    assert.equal(isGrease(0x0a0a), true);
    assert.equal(isGrease(0xfafa), true);
    assert.equal(isGrease(0x0a0b), false);
    const grease = describeCipherSuite('0x0a0a');
    assert.equal(grease?.grease, true);
    assert.equal(grease?.name, 'Reserved (GREASE)');
    assert.equal(grease?.grade, 'not applicable');
    assert.match(grease!.gradeReason, /RFC 8701/);
    assert.equal(describeCipherSuite(0xdada)?.grease, true);
  });

  it('marks the signalling values as no suites', function () {
    const renegotiation = describeCipherSuite('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    assert.equal(renegotiation?.code, 0x00ff);
    assert.equal(renegotiation?.signalling, true);
    assert.equal(renegotiation?.grade, 'not applicable');
    assert.match(renegotiation!.gradeReason, /RFC 5746/);
    assert.equal(describeCipherSuite(0x5600)?.signalling, true);
  });

  it('knows nothing of unassigned codes and unknown names', function () {
    for (const query of [0x0060, 0x1308, 0xff00, 70000, -1, 1.5, '0xffff', '0x1,0x2,0x3', 'TLS_FOO', 'RC4-FOO', '']) {
      assert.equal(describeCipherSuite(query), undefined, String(query));
    }
  });

  it('takes apart and grades every suite in the registry', async function () {
    const grades = new Set(['recommended', 'secure', 'weak', 'insecure']);
    for (const { code, name } of await registeredSuites()) {
      const suite = describeCipherSuite(code);
      assert.ok(suite, name);
      assert.equal(suite.name, name);
      assert.equal(describeCipherSuite(suite.hex)?.code, code, name);
      assert.match(suite.gradeReason, /^[A-Z0-9].*\.$/, name);
      if (suite.signalling) continue;
      assert.ok(grades.has(suite.grade), `${name}: ${suite.grade}`);
      assert.notEqual(suite.cipher, 'none', name);
      if (suite.aead) assert.equal(suite.hashRole, 'PRF', name);
      assert.match(suite.gradeReason, /Mozilla Server Side TLS 5\.7/, name);
      if (suite.mode === 'CBC') assert.notEqual(suite.grade, 'secure', name);
    }
  });

  it("gives OpenSSL's names: the same as `openssl ciphers -stdname` pairs with IANA's", async function () {
    const tls13 =
      'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256';
    const run = await execa(
      'openssl',
      ['ciphers', '-stdname', '-V', '-ciphersuites', tls13, 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'],
      { reject: false, stdin: 'ignore' },
    );
    if (run.failed && run.code === 'ENOENT') {
      console.warn('    (skipped: openssl is not installed)');
      this.skip();
    }
    assert.equal(run.exitCode, 0, run.stderr);
    // "          0xC0,0x30 - TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 - ECDHE-RSA-AES256-GCM-SHA384 TLSv1.2 Kx=ECDH …"
    const pairs = [...run.stdout.matchAll(/^\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)/gm)];
    assert.ok(pairs.length > 50, `openssl listed only ${pairs.length} suites`);
    for (const [, high, low, iana, openssl] of pairs) {
      const code = parseInt(`${high}${low}`, 16);
      const suite = describeCipherSuite(code);
      assert.equal(suite?.name, iana, openssl);
      assert.equal(suite?.openssl, openssl, iana);
      assert.equal(describeCipherSuite(openssl!)?.code, code, openssl);
    }
  });
});

describe("the converter from IANA's CSV", function () {
  const folder = temporaryFolder('cipher-suites');
  const convert = (args: string[]) => execa(process.execPath, [CONVERTER, ...args], { reject: false, stdin: 'ignore' });

  it('reproduces core/knowledge/tls-cipher-suites.json from scripts/data/iana-tls-parameters-4.csv', async function () {
    const out = join(folder(), 'regenerated.json');
    await copyFile(SUITES, out);
    const run = await convert([IANA_CSV, '--out', out]);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(await readFile(out, 'utf8'), await readFile(SUITES, 'utf8'));
  });

  it('reads quoted fields with commas and line breaks, keeps GREASE apart and leaves out ranges and reserved rows', async function () {
    const input = join(folder(), 'small.csv');
    const out = join(folder(), 'small.json');
    await writeFile(
      input,
      [
        'Value,Description,DTLS-OK,Recommended,Reference',
        '"0x00,0x2F",TLS_RSA_WITH_AES_128_CBC_SHA,Y,N,[RFC5246]',
        '"0x00,0x47-4F","Reserved to avoid conflicts with',
        'deployed implementations",,,[Pasi_Eronen]',
        '"0x00,0x50-58",Reserved to avoid conflicts,,,"[Pasi Eronen, <pasi.eronen&nokia.com>, 2008-04-04]"',
        '"0x0A,0x0A",Reserved,Y,N,[RFC8701]',
        '"0x13,0x00",Unassigned,,,',
        '"0x13,0x05",TLS_AES_128_CCM_8_SHA256,Y,N,[RFC8446][IESG Action 2018-08-16]',
        '"0xC0,0x30",TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,Y,Y,[RFC5289]',
        '"0xFF,0x00-FF",Reserved for Private Use,,,[RFC8446]',
      ].join('\r\n') + '\r\n',
    );
    const run = await convert([input, '--out', out, '--retrieved', '2025-01-31']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), {
      source: {
        title: 'IANA Transport Layer Security (TLS) Parameters: TLS Cipher Suites',
        url: 'https://www.iana.org/assignments/tls-parameters/tls-parameters-4.csv',
        retrieved: '2025-01-31',
      },
      grease: [0x0a0a],
      suites: [
        {
          code: 0x002f,
          name: 'TLS_RSA_WITH_AES_128_CBC_SHA',
          dtlsOk: true,
          recommended: false,
          references: ['RFC5246'],
        },
        {
          code: 0x1305,
          name: 'TLS_AES_128_CCM_8_SHA256',
          dtlsOk: true,
          recommended: false,
          references: ['RFC8446', 'IESG Action 2018-08-16'],
        },
        {
          code: 0xc030,
          name: 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
          dtlsOk: true,
          recommended: true,
          references: ['RFC5289'],
        },
      ],
    });
  });

  it('fails with one line and exit code 1 on a missing file', async function () {
    const missing = join(folder(), 'missing.csv');
    const run = await convert([missing, '--out', join(folder(), 'unused.json')]);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stderr, `convert-iana-cipher-suites: ${missing}: CSV file not found`);
  });

  it('fails with one line naming the line of a quote that is never closed, or of another file', async function () {
    const unclosed = join(folder(), 'unclosed.csv');
    await writeFile(
      unclosed,
      'Value,Description,DTLS-OK,Recommended,Reference\n"0x00,0x2F",TLS_RSA_WITH_AES_128_CBC_SHA,Y,N,[RFC5246]\n"0x00,0x30,TLS_X,Y,N,[RFC1]\n',
    );
    const run = await convert([unclosed, '--out', join(folder(), 'unused.json')]);
    assert.equal(run.exitCode, 1);
    assert.equal(run.stderr, `convert-iana-cipher-suites: ${unclosed}: line 3: a quoted field is never closed`);

    const other = join(folder(), 'other.csv');
    await writeFile(other, 'Value,Description,Reference\n"0x00,0x01",X,[RFC1]\n');
    const wrong = await convert([other, '--out', join(folder(), 'unused.json')]);
    assert.equal(wrong.exitCode, 1);
    assert.equal(
      wrong.stderr,
      `convert-iana-cipher-suites: ${other}: not IANA's tls-parameters-4.csv: the header is not "Value,Description,DTLS-OK,Recommended,Reference"`,
    );
  });
});
