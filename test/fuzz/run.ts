/**
 * `npm run fuzz`: every variant of the bad-input corpus through the CLI, two at a time (a tshark pass keeps
 * a core busy), then the tally and each failure with the command that reproduces it. Exits 1 on any crash,
 * hang or unexpected outcome.
 *
 *   npm run fuzz                        all 500
 *   npm run fuzz -- --only editcap/     the variants whose name contains "editcap/"
 *   npm run fuzz -- --verbose           every outcome with its detail, not only the failures
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { corpus } from './corpus.js';
import { VARIANT_TIMEOUT_MS, runVariants, tally } from './oracle.js';

const USAGE = 'usage: npm run fuzz -- [--only TEXT] [--concurrency N] [--verbose]';
let values;
try {
  ({ values } = parseArgs({
    options: {
      only: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '2' },
    },
  }));
} catch (error) {
  console.error(`fuzz: ${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}
if (!(Number(values.concurrency) >= 1)) {
  console.error(`fuzz: --concurrency must be a whole number ≥ 1\n${USAGE}`);
  process.exit(2);
}
const variants = (await corpus()).filter((v) => !values.only || v.name.includes(values.only));
const root = await mkdtemp(join(tmpdir(), 'teamshark-fuzz-'));
await chmod(root, 0o755); // the no-permission variant runs as "nobody", who must reach its folder

const started = Date.now();
let done = 0;
const outcomes = await runVariants(variants, {
  root,
  concurrency: Number(values.concurrency),
  timeoutMs: VARIANT_TIMEOUT_MS,
  onOutcome(outcome) {
    done++;
    const failed = outcome.kept !== undefined;
    if (values.verbose)
      process.stderr.write(
        `[${done}/${variants.length}] ${outcome.variant}: ${outcome.verdict} (${outcome.ms} ms) — ${outcome.detail}\n`,
      );
    else if (failed || process.stderr.isTTY)
      process.stderr.write(
        `${failed ? '\n' : '\r'}[${done}/${variants.length}] ${outcome.variant}: ${outcome.verdict}${failed ? ` — ${outcome.detail}\n` : '\x1b[K'}`,
      );
  },
});

const counts = tally(outcomes);
const failures = outcomes.filter((o) => o.kept !== undefined);
console.log(`\nfuzz: ${counts.variants} variants in ${Math.round((Date.now() - started) / 1000)} s`);
console.log(`  reports       ${counts.reports}`);
console.log(`  clean errors  ${counts.cleanErrors}`);
console.log(`  crashes       ${counts.crashes}`);
console.log(`  hangs         ${counts.hangs}`);
console.log(`  unexpected    ${counts.unexpected}`);
for (const failure of failures) {
  console.log(`\n${failure.verdict}: ${failure.variant} — ${failure.detail}`);
  console.log(`  input kept in ${failure.kept}`);
  console.log(`  rerun: ${failure.command}`);
  console.log(`  regenerate: npm run fuzz -- --only '${failure.variant}'`);
}
if (failures.length === 0) await rm(root, { recursive: true, force: true });
process.exitCode = failures.length === 0 ? 0 : 1;
