import assert from 'node:assert/strict';
import { utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { TsharkFactsCache } from '../core/tshark/facts-cache.js';
import { locateTshark } from '../core/tshark/locate.js';
import { CLI, countingTshark, parseReport, sharedCapture, temporaryFolder } from './helpers.js';

/** Each run's first argument (which of its jobs tshark was started for), sorted: the pass and `-G` start together. */
const firstArguments = (runs: string[]) => runs.map((run) => run.split(' ')[0]).sort();

describe('tshark facts cached per binary: the version and value names are asked of a tshark once', function () {
  const folder = temporaryFolder('tshark-facts');

  it('a second analysis on the same binary runs neither `tshark --version` nor `tshark -G values`', async function () {
    const tshark = await countingTshark(folder());
    const env = { TEAMSHARK_CACHE_DIR: join(folder(), 'cache') };
    const analyze = () =>
      execa(
        process.execPath,
        // --no-cache: the saved report would spare the analysis pass too.
        [CLI, 'analyze', sharedCapture(this, 'teams.pcap'), '--format', 'json', '--tshark', tshark.path, '--no-cache'],
        { env },
      );
    const first = parseReport((await analyze()).stdout);
    assert.deepEqual(firstArguments(await tshark.runs()), ['--version', '-G', '-r'].sort());
    const second = parseReport((await analyze()).stdout);
    assert.deepEqual(
      firstArguments(await tshark.runs()),
      ['--version', '-G', '-r', '-r'].sort(),
      'the cache did not answer',
    );
    // The names come from the cache as they came from tshark.
    assert.deepEqual(second.tls.cipherSuites, first.tls.cipherSuites);
    assert.ok(second.tls.cipherSuites.some((s) => s.name === 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384'));
  });

  it('a binary replaced or touched is asked again', async function () {
    const tshark = await countingTshark(folder());
    const cache = new TsharkFactsCache(join(folder(), 'cache-touched'));
    await locateTshark(tshark.path, cache);
    await utimes(tshark.path, new Date(), new Date(Date.now() + 60_000));
    await locateTshark(tshark.path, cache);
    assert.deepEqual(firstArguments(await tshark.runs()), ['--version', '--version']);
  });

  it('a cache folder that cannot be written costs the saving, not the analysis', async function () {
    const blocker = join(folder(), 'not-a-folder');
    await writeFile(blocker, '');
    const tshark = await countingTshark(folder());
    const cache = new TsharkFactsCache(join(blocker, 'cache'));
    const info = await locateTshark(tshark.path, cache);
    assert.match(info.version, /^\d+\.\d+\.\d+$/);
    await locateTshark(tshark.path, cache);
    assert.deepEqual(firstArguments(await tshark.runs()), ['--version', '--version']);
  });
});
