import assert from 'node:assert/strict';
import { filterString } from '../../core/util/display-filter.js';

describe('display filters', function () {
  it('strings escape quotes and backslashes', function () {
    assert.equal(filterString('a"b\\c'), '"a\\"b\\\\c"');
  });
});
