import assert from 'node:assert/strict';
import fs, { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { execa } from 'execa';
import { copyRangesInWorker, copyRangesSync, flatRanges } from '../../core/tshark/range-copy.js';
import { temporaryFolder } from '../helpers.js';
import { openFiles, threadCount } from '../process-table.js';

describe('copying byte ranges of a capture (the input of a tshark that reads only some frames)', () => {
  const folder = temporaryFolder('range-copy');
  /** 10,000 bytes, each its offset's low byte: a misplaced byte shows. */
  const content = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i & 0xff));
  const ranges: [number, number][] = [
    [0, 24],
    [100, 357],
    [357, 1000],
    [4000, 4001],
    [6543, 10_000],
  ];
  const expected = Buffer.concat(ranges.map(([start, end]) => content.subarray(start, end)));

  it('writes exactly the ranges, in order, whatever the read window and write buffer sizes', () => {
    const file = join(folder(), 'source');
    writeFileSync(file, content);
    for (const sizes of [
      { read: 7, write: 5 },
      { read: 64, write: 1000 },
      { read: 4096, write: 3 },
      { read: 1 << 20, write: 1 << 20 },
    ]) {
      const to = join(folder(), `copy-${sizes.read}-${sizes.write}`);
      copyRangesSync(fs, { file, ranges: flatRanges(ranges), to }, sizes);
      assert.deepEqual(readFileSync(to), expected, `read ${sizes.read}, write ${sizes.write}`);
    }
  });

  it('stops at the end of a file that is shorter than its ranges, keeping what it read', () => {
    const file = join(folder(), 'short');
    writeFileSync(file, content.subarray(0, 5000));
    const to = join(folder(), 'short-copy');
    copyRangesSync(fs, { file, ranges: flatRanges(ranges), to }, { read: 512, write: 256 });
    assert.deepEqual(readFileSync(to), Buffer.concat([expected.subarray(0, 24 + 900), content.subarray(4000, 4001)]));
  });

  it('fills a named pipe from a worker thread for its reader, and ends when the reader goes away', async () => {
    const file = join(folder(), 'piped');
    writeFileSync(file, content);
    const fifo = join(folder(), 'fifo');
    await execa('mkfifo', [fifo]);
    const copy = copyRangesInWorker({ file, ranges: flatRanges(ranges), to: fifo });
    const { stdout } = await execa('cat', [fifo], { encoding: 'buffer' });
    await copy.done;
    assert.deepEqual(Buffer.from(stdout), expected);

    const early = join(folder(), 'fifo-early');
    await execa('mkfifo', [early]);
    const stopped = copyRangesInWorker({ file, ranges: flatRanges([[0, 10_000]]), to: early });
    await execa('head', ['-c', '10', early]); // reads 10 bytes and closes: the writer gets EPIPE
    await stopped.done;
  });

  it('stops a copy whose reader never came (tshark ended before opening its input): its thread ends, its files close', async () => {
    const file = join(folder(), 'unread');
    writeFileSync(file, content);
    const fifo = join(folder(), 'fifo-unread');
    await execa('mkfifo', [fifo]);
    const threads = threadCount();
    const copy = copyRangesInWorker({ file, ranges: flatRanges(ranges), to: fifo });
    // Once the worker has its input open, its next step is opening the FIFO, where it waits for a reader.
    while (!openFiles().includes(file)) await delay(5);
    await delay(50);
    await copy.stop();
    assert.equal(threadCount(), threads, 'the worker thread ended');
    assert.ok(!openFiles().includes(file), 'the input file is closed');
  });
});
