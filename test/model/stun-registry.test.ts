import assert from 'node:assert/strict';
import { splitStunType } from '../../core/model/stun-registry.js';

describe('STUN message types (RFC 8489 §5)', function () {
  it('splits the interleaved class and method bits', function () {
    assert.deepEqual(splitStunType(0x0001), { method: 1, class: 'request' });
    assert.deepEqual(splitStunType(0x0101), { method: 1, class: 'success' });
    assert.deepEqual(splitStunType(0x0113), { method: 3, class: 'error' });
    assert.deepEqual(splitStunType(0x0016), { method: 6, class: 'indication' });
  });
});
