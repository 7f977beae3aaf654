import assert from 'node:assert/strict';
import { maxOf, minOf } from '../../core/util/collections.js';

describe('collections: the largest and smallest of a list', function () {
  it('take a million values, where Math.max(...values) throws (a 1M-packet call timeline has that many)', function () {
    const values = Array.from({ length: 1_000_000 }, (_, i) => (i * 7919) % 1_000_003);
    assert.throws(() => Math.max(...values), RangeError);
    assert.equal(
      maxOf(values),
      values.reduce((a, b) => (b > a ? b : a)),
    );
    assert.equal(
      minOf(values),
      values.reduce((a, b) => (b < a ? b : a)),
    );
  });

  it('give what Math.max() and Math.min() give for no values', function () {
    assert.equal(maxOf([]), -Infinity);
    assert.equal(minOf([]), Infinity);
  });
});
