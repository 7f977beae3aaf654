import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmdir } from 'node:fs/promises';
import { claimCapture, makeFolder, releaseCapture } from '../../core/dataset/owners.js';

describe('dataset/owners: claims on captures while an export analyses them', () => {
  let dataset = '';
  beforeEach(async () => {
    dataset = await mkdtemp(join(tmpdir(), 'teamshark-owners-'));
  });
  afterEach(async () => {
    await rm(dataset, { recursive: true, force: true });
  });

  it('a capture claimed once is not claimed again until released', async () => {
    assert.equal(await claimCapture(dataset, 'a'), true);
    assert.equal(await claimCapture(dataset, 'a'), false);
    await releaseCapture(dataset, 'a');
    assert.equal(await claimCapture(dataset, 'a'), true);
  });

  it('jobs claiming while others release (and remove the emptied folder) never fail', async () => {
    // An export runs one job per core: one releasing its last claim removed the folder another was claiming in.
    const job = async (name: string) => {
      for (let i = 0; i < 100; i++) {
        assert.equal(await claimCapture(dataset, `${name}${i}`), true);
        await releaseCapture(dataset, `${name}${i}`);
      }
    };
    await Promise.all(['a', 'b', 'c', 'd'].map(job));
    assert.equal(existsSync(join(dataset, '_claims')), false, 'no claims folder left');
  });

  it('a staging folder is made even while other jobs remove the emptied _staging/', async () => {
    const job = async (name: string) => {
      for (let i = 0; i < 100; i++) {
        const folder = join(dataset, '_staging', `${name}${i}`);
        await makeFolder(folder);
        assert.ok(existsSync(folder));
        await rm(folder, { recursive: true });
        await rmdir(join(dataset, '_staging')).catch(() => undefined);
      }
    };
    await Promise.all(['a', 'b', 'c', 'd'].map(job));
  });
});
