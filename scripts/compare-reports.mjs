#!/usr/bin/env node
// Behaviour-preservation check for refactors: the JSON report of every shared capture and every sample scenario,
// compared byte for byte with a baseline made by another build.
//
//   npm run compare-reports -- BASELINE_DIR                  regenerate with this build, list the files that differ
//   npm run compare-reports -- BASELINE_DIR --write          write the baseline with this build
//   npm run compare-reports -- BASELINE_DIR --write --cli /other/checkout/dist/cli/teamshark.mjs
//                                                            write the baseline with another build (e.g. main's)
//
// Options: --cli FILE (the teamshark CLI to run; default: this checkout's dist/cli/teamshark.mjs), --jobs N (default 2),
// --captures DIR (default ../shared/captures), --only SUBSTRING (only the reports whose name contains it).
// Captures are analysed from the repository root under the path strings `../shared/captures/…`, so that
// `capture.file` is the same whichever build made the report; samples are analysed from standard input.
// Exit status: 0 when every report is identical, 1 when one differs or is missing, 2 on a usage error.
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const usage =
  'usage: npm run compare-reports -- BASELINE_DIR [--write] [--cli FILE] [--jobs N] [--captures DIR] [--only SUBSTRING]';

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      write: { type: 'boolean', default: false },
      cli: { type: 'string', default: join(root, 'dist/cli/teamshark.mjs') },
      jobs: { type: 'string', default: '2' },
      captures: { type: 'string', default: '../shared/captures' },
      only: { type: 'string' },
    },
  });
} catch (error) {
  console.error(`${error.message}\n${usage}`);
  process.exit(2);
}
const { values, positionals } = parsed;
const jobs = Number(values.jobs);
if (positionals.length !== 1 || !(Number.isInteger(jobs) && jobs > 0)) {
  console.error(usage);
  process.exit(2);
}
const baseline = resolve(positionals[0]);
const cli = resolve(values.cli);

/** Every capture below dir, as a path relative to the repository root (the string the report carries). */
async function captureFiles(dir) {
  const entries = await readdir(resolve(root, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && /\.(pcap|pcapng|cap)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .sort();
}

function run(args, { stdinFile } = {}) {
  return new Promise((resolvePromise, reject) => {
    // A cache folder of this run: a report saved by an earlier run (or by the build compared with) is never read.
    const env = { ...process.env, TEAMSHARK_CACHE_DIR: join(scratch, 'cache') };
    const child = spawn(process.execPath, [cli, ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(Buffer.concat(out));
      else reject(new Error(`teamshark ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString().trim()}`));
    });
    if (stdinFile) readFile(stdinFile).then((bytes) => child.stdin.end(bytes), reject);
    else child.stdin.end();
  });
}

const scenarios = (await promisify(execFile)(process.execPath, [cli, 'sample', '--list'], { cwd: root })).stdout
  .split('\n')
  .map((line) => line.split(/\s+/)[0])
  .filter(Boolean);
const scratch = await mkdtemp(join(tmpdir(), 'teamshark-compare-'));

/** One job per report: its file name in the baseline, and how to make it. */
const tasks = [
  ...(await captureFiles(values.captures)).map((capture) => ({
    name: join('captures', relative(values.captures, capture)) + '.json',
    make: () => run(['analyze', capture, '--format', 'json']),
  })),
  ...scenarios.map((scenario) => ({
    name: join('samples', `${scenario}.json`),
    make: async () => {
      const pcap = join(scratch, `${scenario}.pcapng`);
      await run(['sample', '--scenario', scenario, '--out', pcap]);
      return run(['analyze', '-', '--format', 'json'], { stdinFile: pcap });
    },
  })),
].filter((task) => values.only === undefined || task.name.includes(values.only));

const differing = [];
const failed = [];
let next = 0;
async function worker() {
  while (next < tasks.length) {
    const task = tasks[next++];
    const target = join(baseline, task.name);
    let report;
    try {
      report = await task.make();
    } catch (error) {
      failed.push(`${task.name}: ${error.message}`);
      continue;
    }
    if (values.write) {
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, report);
      continue;
    }
    const before = await readFile(target).catch(() => undefined);
    if (before === undefined) failed.push(`${task.name}: not in the baseline`);
    else if (!before.equals(report)) {
      differing.push(task.name);
      await mkdir(dirname(join(scratch, 'differing', task.name)), { recursive: true });
      await writeFile(join(scratch, 'differing', task.name), report);
    }
  }
}
try {
  await Promise.all(Array.from({ length: jobs }, worker));
} finally {
  if (differing.length === 0) await rm(scratch, { recursive: true, force: true });
}

for (const line of failed) console.error(`failed: ${line}`);
if (values.write) {
  console.log(`${tasks.length - failed.length} of ${tasks.length} reports written to ${baseline}`);
} else {
  for (const name of differing) console.log(`differs: ${name}`);
  if (differing.length > 0)
    console.log(`the new reports are in ${join(scratch, 'differing')} (diff them against ${baseline})`);
  console.log(`${tasks.length - differing.length - failed.length} of ${tasks.length} reports identical`);
}
process.exit(failed.length > 0 || differing.length > 0 ? 1 : 0);
