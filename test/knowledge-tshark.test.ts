import * as assert from 'node:assert/strict';
import { locateTshark, type TsharkInfo } from '../core/tshark/locate.js';
import { loadValueNames } from '../core/tshark/value-names.js';
import { tlsParameters, type TlsParameterKind } from '../core/knowledge/tls-parameters.js';
import { validateCipherSuiteRegistry } from '../core/schema/validate.js';
import { readCheckedJson } from './json-files.js';

async function registeredSuites(): Promise<{ code: number; name: string }[]> {
  return (await readCheckedJson(validateCipherSuiteRegistry, 'core/knowledge/tls-cipher-suites.json')).suites;
}

/** tls-parameters.json is transcribed by hand: every code and name must be the one tshark's own tables give. */
describe('notes: TLS parameters (signature schemes, groups, versions) agree with tshark', function () {
  this.timeout(120_000);
  const FIELDS: Record<TlsParameterKind, string> = {
    'signature scheme': 'tls.handshake.sig_hash_alg',
    'named group': 'tls.handshake.extensions_supported_group',
    'protocol version': 'tls.handshake.extensions.supported_version',
  };

  it('names every code as tshark does (where tshark 4.0 knows the code)', async () => {
    const names = await loadValueNames(await locateTshark(), [...Object.values(FIELDS), 'dtls.record.version']);
    let compared = 0;
    for (const [kind, field] of Object.entries(FIELDS) as [TlsParameterKind, string][]) {
      for (const parameter of tlsParameters(kind)) {
        const theirs = names(
          kind === 'protocol version' && parameter.name.startsWith('DTLS') ? 'dtls.record.version' : field,
          parameter.code,
        );
        if (theirs === undefined) continue; // newer than this tshark (X25519MLKEM768, DTLS 1.3)
        assert.equal(parameter.name, theirs, `${kind} 0x${parameter.code.toString(16)}`);
        compared++;
      }
    }
    assert.ok(compared >= 35, `only ${compared} values compared`);
  });
});

describe('cipher suites agree with tshark', function () {
  it("names every suite as the installed tshark's own table does", async function () {
    let tshark: TsharkInfo;
    try {
      tshark = await locateTshark();
    } catch (error) {
      if (process.env.CI) throw error;
      console.warn(`    (skipped: ${(error as Error).message})`);
      this.skip();
    }
    const names = await loadValueNames(tshark, ['tls.handshake.ciphersuite']);
    let compared = 0;
    for (const { code, name } of await registeredSuites()) {
      const tsharkName = names('tls.handshake.ciphersuite', code);
      // A tshark older than the registry lacks its newest suites (tshark 4.0: the AEGIS ones).
      if (tsharkName === undefined) continue;
      assert.equal(name, tsharkName, `0x${code.toString(16)}`);
      compared++;
    }
    assert.ok(compared > 300, `tshark named only ${compared} of the registry's suites`);
  });
});
