import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { forEachLine } from '../../core/tshark/lines.js';

async function collect(chunks: (string | Buffer)[]): Promise<string[]> {
  const out: string[] = [];
  await forEachLine(Readable.from(chunks), (line) => out.push(line));
  return out;
}

describe('line splitting of tshark output', function () {
  it('joins lines split across chunks and drops the newline (and a CR before it)', async function () {
    assert.deepEqual(await collect(['{"a":', '1}\n{"b"', ':2}\r\n', 'tail']), ['{"a":1}', '{"b":2}', 'tail']);
  });

  it('keeps a multi-byte character split between two chunks whole', async function () {
    const bytes = Buffer.from('café→\n');
    assert.deepEqual(await collect([bytes.subarray(0, 4), bytes.subarray(4)]), ['café→']);
  });
});
