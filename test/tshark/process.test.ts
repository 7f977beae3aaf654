import assert from 'node:assert/strict';
import { startTshark } from '../../core/tshark/process.js';

describe('starting tshark', () => {
  it('settles "started" when tshark cannot be started at all (no FIFO for its input), as "done" rejects', async () => {
    const tmpdir = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/teamshark-test'; // where the FIFO's folder cannot be made
    try {
      const tshark = startTshark(
        { path: 'tshark', version: '4.0.17' },
        { file: '/dev/null', ranges: [[0, 0]] },
        [],
        () => {},
      );
      await assert.rejects(tshark.done, { code: 'ENOENT' });
      await tshark.started; // a caller waiting for it before other work must not wait forever
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
  });
});
