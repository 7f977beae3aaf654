import * as assert from 'node:assert/strict';
import { describeTlsParameter } from '../../core/knowledge/tls-parameters.js';

describe('TLS parameters as notes name them', function () {
  it('finds versions however notes spell them', () => {
    for (const spelling of ['TLS 1.2', 'TLSv1.2', 'tls1.2', 'TLS v1.2'])
      assert.equal(describeTlsParameter(spelling)?.code, 0x0303, spelling);
    assert.equal(describeTlsParameter('X25519')?.code, 29);
    assert.equal(describeTlsParameter('TLS 1.4'), undefined);
  });
});
