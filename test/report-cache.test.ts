import assert from 'node:assert/strict';
import { ReportCache } from '../core/util/report-cache.js';

describe("the extension's in-memory report cache", function () {
  it('serves a report only for the key it was made with', function () {
    const cache = new ReportCache<string>(2);
    cache.set('a.pcap', 'size 1', 'report of a');
    assert.equal(cache.get('a.pcap', 'size 1'), 'report of a');
    assert.equal(cache.get('a.pcap', 'size 2'), undefined);
    cache.set('a.pcap', 'size 2', 'new report of a');
    assert.equal(cache.get('a.pcap', 'size 1'), undefined);
    assert.equal(cache.get('a.pcap', 'size 2'), 'new report of a');
  });

  it('keeps at most its capacity, dropping the least recently used', function () {
    const cache = new ReportCache<string>(2);
    cache.set('a.pcap', 'k', 'a');
    cache.set('b.pcap', 'k', 'b');
    cache.get('a.pcap', 'k'); // a is now used more recently than b
    cache.set('c.pcap', 'k', 'c');
    assert.deepEqual(
      ['a.pcap', 'b.pcap', 'c.pcap'].map((capture) => cache.has(capture)),
      [true, false, true],
    );
  });

  it('drops an entry on request', function () {
    const cache = new ReportCache<string>(2);
    cache.set('a.pcap', 'k', 'a');
    cache.delete('a.pcap');
    assert.equal(cache.has('a.pcap'), false);
    assert.equal(cache.get('a.pcap', 'k'), undefined);
  });
});
