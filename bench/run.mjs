// npm run bench: how Teamshark's analysis compares with one bare tshark pass (the floor for a tshark-based
// tool) and with ndpiReader, on teams.pcap replicated to ~100k and ~1M packets — in one pass, and split into
// chunks read by 1, 2 and 4 tsharks at once — and on the 40 course captures as a batch. Wall time is the
// median of 3 runs; memory is the peak RSS of the whole process tree (node and every tshark it starts),
// sampled from /proc; CPU is the tree's user + system time (steadier than wall time on a shared machine).
// Writes bench/results.json and prints a table.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const shared = join(root, '..', 'shared', 'captures');
const cache = join(root, 'bench', 'cache');
const RUNS = 3;

function build(name, copies, source) {
  const path = join(cache, name);
  if (existsSync(path)) return path;
  mkdirSync(cache, { recursive: true });
  // Shift each copy past the previous one's end so that flows stay apart, then merge in time order.
  const span = 30 * copies;
  const parts = Array.from({ length: copies }, (_, i) => {
    const part = join(cache, `${name}.part${i}.pcap`);
    execFileSync('editcap', ['-t', String(i * (span / copies)), source, part]);
    return part;
  });
  execFileSync('mergecap', ['-w', path, ...parts]);
  for (const part of parts) execFileSync('rm', ['-f', part]);
  return path;
}

/** Sum of RSS (kB) of a process and its descendants, from /proc. */
function treeRss(pid) {
  let total = 0;
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const visit = (p) => {
    try {
      const rss = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (rss) total += Number(rss[1]);
    } catch {}
    for (const c of children.get(p) ?? []) visit(c);
  };
  visit(pid);
  return total;
}

/** CPU seconds (user + system) of this process's finished children and all they waited for. */
function childrenCpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100; // cutime, cstime in clock ticks (USER_HZ = 100)
}

function measure(command, args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const cpuBefore = childrenCpuSeconds();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'], env: { ...process.env, ...env } });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRss(child.pid))), 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: Math.round(peak / 1024), cpuSeconds: childrenCpuSeconds() - cpuBefore });
    });
  });
}

async function median(command, args, env) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(command, args, env));
  const middle = (key) => Math.round(runs.map((r) => r[key]).sort((a, b) => a - b)[Math.floor(RUNS / 2)] * 100) / 100;
  return { seconds: middle('seconds'), cpuSeconds: middle('cpuSeconds'), peakMb: Math.max(...runs.map((r) => r.peakMb)) };
}

async function measureTotal(run) {
  const started = process.hrtime.bigint();
  await run();
  return Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100;
}

const ratio = (a, b) => Math.round((a / b) * 100) / 100;

const cli = join(root, 'out', 'core', 'cli.js');
const teams = join(shared, 'teams.pcap');
const hundredK = build('teams-100k.pcap', 64, teams);
const million = build('teams-1m.pcap', 10, hundredK);
const packets = (path) => Number(/Number of packets:\s+([\d ]+)/.exec(execFileSync('capinfos', ['-c', '-M', path]).toString())[1].replace(/\s/g, ''));

const WORKERS = [1, 2, 4];
const loadBefore = loadavg()[0];
const results = [];
for (const [label, path] of [
  ['~100k packets', hundredK],
  ['~1M packets', million],
]) {
  const bare = await median('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.number']);
  const analyze = (env) => median(process.execPath, [cli, 'analyze', path, '--format', 'json'], env);
  const onePass = await analyze({ TEAMSHARK_CHUNK_PACKETS: '0' });
  const chunked = {};
  for (const workers of WORKERS) chunked[workers] = await analyze({ TEAMSHARK_WORKERS: String(workers) });
  const ndpi = await median('ndpiReader', ['-i', path, '-q']);
  results.push({
    input: label,
    packets: packets(path),
    bareTshark: bare,
    onePass,
    chunked,
    ndpiReader: ndpi,
    ratio: { onePass: ratio(onePass.seconds, bare.seconds), ...Object.fromEntries(WORKERS.map((w) => [`workers${w}`, ratio(chunked[w].seconds, bare.seconds)])) },
  });
}
const courses = join(shared, 'teams-activities');
const batch = readdirSync(courses)
  .filter((f) => f.endsWith('.pcapng'))
  .map((f) => join(courses, f));
const sequential = await measureTotal(async () => {
  for (const path of batch) await measure(process.execPath, [cli, 'analyze', path, '--format', 'json']);
});
const out = mkdtempSync(join(tmpdir(), 'teamshark-bench-'));
const jobs = cpus().length;
const run = await measure(process.execPath, [cli, 'analyze', courses, '--out', out, '--format', 'json', '--jobs', String(jobs)]);
const parallel = { ...run, seconds: Math.round(run.seconds * 100) / 100, cpuSeconds: Math.round(run.cpuSeconds * 100) / 100 };
rmSync(out, { recursive: true, force: true });

const machine = {
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  tshark: execFileSync('tshark', ['--version']).toString().split('\n')[0],
  loadAverage: { before: Math.round(loadBefore * 10) / 10, after: Math.round(loadavg()[0] * 10) / 10 },
};
const batchResult = { captures: batch.length, oneAfterAnother: { seconds: sequential }, jobs: { jobs, ...parallel } };
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, results, batch: batchResult }, null, 2)}\n`);

const cell = (m, base) => `${m.seconds} s${base ? ` (${ratio(m.seconds, base.seconds)}×)` : ''}, ${m.cpuSeconds} s CPU, ${m.peakMb} MB`;
console.log(`| input | packets | bare tshark | analyze, one pass | ${WORKERS.map((w) => `chunked, ${w} worker${w > 1 ? 's' : ''}`).join(' | ')} | ndpiReader |`);
console.log(`|---|---|---|---|${WORKERS.map(() => '---').join('|')}|---|`);
for (const r of results) {
  console.log(`| ${r.input} | ${r.packets} | ${cell(r.bareTshark)} | ${cell(r.onePass, r.bareTshark)} | ${WORKERS.map((w) => cell(r.chunked[w], r.bareTshark)).join(' | ')} | ${cell(r.ndpiReader)} |`);
}
console.log(`\n${batch.length} course captures: ${sequential} s one after the other, ${parallel.seconds} s with --jobs ${jobs} (${parallel.peakMb} MB).`);
console.log(`Machine: ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.tshark} Load average ${machine.loadAverage.before} before, ${machine.loadAverage.after} after.`);
