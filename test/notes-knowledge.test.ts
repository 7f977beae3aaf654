import * as assert from 'node:assert/strict';
import { locateTshark } from '../core/tshark/locate.js';
import { loadValueNames } from '../core/tshark/value-names.js';
import { describeTlsParameter, tlsParameters, type TlsParameterKind } from '../core/knowledge/tls-parameters.js';

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

  it('finds versions however notes spell them', () => {
    for (const spelling of ['TLS 1.2', 'TLSv1.2', 'tls1.2', 'TLS v1.2'])
      assert.equal(describeTlsParameter(spelling)?.code, 0x0303, spelling);
    assert.equal(describeTlsParameter('X25519')?.code, 29);
    assert.equal(describeTlsParameter('TLS 1.4'), undefined);
  });
});
