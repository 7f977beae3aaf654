import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { communityId } from '../../core/dataset/community-id.js';
import { SHARED_CAPTURES } from '../helpers.js';

/** The specification's own vectors (corelight/community-id-spec), beside the shared captures. */
const BASELINES = join(SHARED_CAPTURES, '../data/community-id');

interface BaselineRecord {
  proto: number;
  saddr: string;
  daddr: string;
  sport: number | null;
  dport: number | null;
  communityid: string;
}

function baseline(context: Mocha.Context, file: string): BaselineRecord[] {
  const path = join(BASELINES, file);
  if (!existsSync(path)) {
    if (process.env.CI) throw new Error(`${path} is missing`);
    context.skip();
  }
  return JSON.parse(readFileSync(path, 'utf8')) as BaselineRecord[];
}

describe('Community ID v1 (network.community_id)', function () {
  for (const [file, seed] of [
    ['baseline_deflt.json', 0],
    ['baseline_seed1.json', 1],
  ] as const) {
    it(`reproduces every record of the specification's ${file} (seed ${seed})`, function () {
      const records = baseline(this, file);
      assert.equal(records.length, 23);
      for (const r of records) {
        const tuple = {
          protocol: r.proto,
          sourceIp: r.saddr,
          destinationIp: r.daddr,
          sourcePort: r.sport ?? undefined,
          destinationPort: r.dport ?? undefined,
        };
        assert.equal(communityId(tuple, seed), r.communityid, JSON.stringify(r));
      }
    });
  }

  it('gives both directions of a TCP connection one id', function () {
    const there = {
      protocol: 6,
      sourceIp: '10.0.0.2',
      destinationIp: '52.112.0.1',
      sourcePort: 50000,
      destinationPort: 443,
    };
    const back = {
      protocol: 6,
      sourceIp: '52.112.0.1',
      destinationIp: '10.0.0.2',
      sourcePort: 443,
      destinationPort: 50000,
    };
    assert.equal(communityId(there), communityId(back));
    assert.match(communityId(there), /^1:[A-Za-z0-9+/]{27}=$/);
  });
});
