import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SOURCES, corpus, sample, type Input, type Variant } from './fuzz/corpus.js';
import { VARIANT_TIMEOUT_MS, judge, runVariants, tally, type CliRun } from './fuzz/oracle.js';
import { sharedCapture, temporaryFolder } from './helpers.js';

const SAMPLE_SIZE = 50;

/** A run as the CLI would leave it; each oracle check below changes one thing. */
function cliRun(overrides: Partial<CliRun>): CliRun {
  return {
    exitCode: 1,
    signal: null,
    stdout: '',
    stderr: 'teamshark: /x/a.pcap: capture not found\n',
    timedOut: false,
    leftBehind: false,
    ms: 10,
    ...overrides,
  };
}

describe('fuzz: the bad-input corpus through the CLI', function () {
  const folder = temporaryFolder('fuzz');
  let variants: Variant[];

  before(async function () {
    for (const source of SOURCES) sharedCapture(this, source);
    variants = await corpus();
  });

  it('holds 500 variants with distinct names', function () {
    assert.equal(variants.length, 500);
    assert.equal(new Set(variants.map((v) => v.name)).size, 500);
  });

  it('builds the same bytes on every run (fixed seeds and offsets)', async function () {
    const digest = async (variant: Variant, run: string) => {
      const variantFolder = join(folder(), `${variant.name.replace(/\W/g, '_')}-${run}`);
      await mkdir(variantFolder);
      const input = await variant.build(variantFolder);
      return createHash('sha256')
        .update(await readFile(input.capture as string))
        .digest('hex');
    };
    for (const name of [
      'editcap/teams.pcap/E0.05/seed3',
      'overwrite/chat-4g-K2MG.pcapng/16bytes/seed2',
      'pcapng-block/length-2GiB/middle',
    ]) {
      const variant = variants.find((v) => v.name === name)!;
      assert.ok(variant, name);
      assert.equal(await digest(variant, 'a'), await digest(variant, 'b'), name);
    }
  });

  it('the oracle fails a hang, a crash, a stack trace, a process left behind, a missing warning, a nameless error', function () {
    const input: Input = { capture: '/x/a.pcap', expect: { outcome: 'either', warned: true } };
    assert.equal(judge(input, cliRun({})).verdict, 'clean-error');
    assert.equal(judge(input, cliRun({ timedOut: true, exitCode: null, signal: 'SIGKILL' })).verdict, 'hang');
    assert.equal(
      judge(input, cliRun({ exitCode: 70, stderr: 'teamshark: internal error: x (please report it)\n' })).verdict,
      'crash',
    );
    assert.equal(judge(input, cliRun({ stderr: 'teamshark: internal error: boom\n' })).verdict, 'crash');
    assert.equal(judge(input, cliRun({ stderr: 'TypeError: x\n    at f (file:///a.js:1:2)\n' })).verdict, 'crash');
    assert.equal(judge(input, cliRun({ leftBehind: true })).verdict, 'crash');
    assert.equal(judge(input, cliRun({ stderr: 'teamshark: tshark exited with code 2\n' })).verdict, 'crash');
    assert.equal(judge(input, cliRun({ stderr: 'teamshark: /x/a.pcap: \x1b[2Jcleared\n' })).verdict, 'crash');
    assert.equal(judge(input, cliRun({ exitCode: 0, stdout: '{"not":"a report"}', stderr: '' })).verdict, 'crash');
    assert.equal(judge({ ...input, expect: { outcome: 'report' } }, cliRun({})).verdict, 'unexpected');
  });

  it(`a sample of ${SAMPLE_SIZE} variants (every kind, each single case and odd name): a report or a one-line error, never a crash or a hang`, async function () {
    this.timeout(20 * VARIANT_TIMEOUT_MS);
    await chmod(folder(), 0o755); // the no-permission variant runs as "nobody"
    const outcomes = await runVariants(sample(variants, SAMPLE_SIZE), {
      root: folder(),
      concurrency: 2,
      timeoutMs: VARIANT_TIMEOUT_MS,
    });
    const counts = tally(outcomes);
    const failures = outcomes
      .filter((o) => o.kept !== undefined)
      .map((o) => `${o.verdict}: ${o.variant} — ${o.detail}\n    rerun: ${o.command}`);
    assert.deepEqual(failures, []);
    assert.equal(counts.reports + counts.cleanErrors, SAMPLE_SIZE);
    assert.ok(counts.reports > 0 && counts.cleanErrors > 0, `only one kind of outcome: ${JSON.stringify(counts)}`);
  });
});
