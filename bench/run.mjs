// npm run bench [-- --runs N] [--readme]: how Teamshark's analysis compares with one bare tshark pass (the floor
// for a tshark-based tool) and with ndpiReader, on teams.pcap replicated to ~100k and ~1M packets and on a call
// relayed over TCP 443 (a course capture replicated to ~100k: RTP, STUN and the relays' pseudo-TLS, which tshark
// reads a second time), in one pass and split into chunks; where splitting starts to pay; and the 40 course
// captures as a batch.
//
// Runs alternate (bare, chunked, one pass, ndpiReader, then again) so that a change in the machine's load hits
// every command alike; each figure is the median of the runs and each ratio is the ratio of the medians. For each
// run: wall time; CPU time (user + system) of the whole process tree (node and every tshark it starts); and the
// tree's peak memory sampled from /proc every 50 ms, both as the sum of RSS (which counts the shared libraries of
// every tshark again) and as the sum of PSS (which shares them out: what the tree really occupies).
// Writes bench/results.json and prints the tables; with --readme it also rewrites README.md's speed table.
import { spawn, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: options } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, readme: { type: 'boolean', default: false } },
});
const RUNS = Number(options.runs);
const root = fileURLToPath(new URL('..', import.meta.url));
const shared = join(root, '..', 'shared', 'captures');
const cache = join(root, 'bench', 'cache');
const cli = join(root, 'dist', 'cli', 'teamshark.mjs'); // the program `teamshark` runs

/** `copies` copies of source one after the other (each shifted past the previous one's end), in one file. */
function replicate(name, copies, source) {
  const path = join(cache, name);
  if (existsSync(path)) return path;
  mkdirSync(cache, { recursive: true });
  const span =
    Math.ceil(Number(/Capture duration:\s+([\d.]+)/.exec(execFileSync('capinfos', ['-u', source]).toString())[1])) + 5;
  const parts = Array.from({ length: copies }, (_, i) => {
    const part = join(cache, `${name}.part${i}.pcap`);
    execFileSync('editcap', ['-t', String(i * span), source, part]);
    return part;
  });
  execFileSync('mergecap', ['-w', path, ...parts]);
  for (const part of parts) rmSync(part, { force: true });
  return path;
}

/** The first `packets` packets of source. */
function slice(name, packets, source) {
  const path = join(cache, name);
  if (!existsSync(path)) execFileSync('editcap', ['-r', source, path, `1-${packets}`]);
  return path;
}

const packetsOf = (path) =>
  Number(
    /Number of packets:\s+([\d ]+)/.exec(execFileSync('capinfos', ['-c', '-M', path]).toString())[1].replace(/\s/g, ''),
  );

/** RSS and PSS (kB) of a process and its descendants, from /proc. */
function treeMemory(pid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {}
  }
  const total = { rss: 0, pss: 0 };
  const visit = (p) => {
    try {
      const rollup = readFileSync(`/proc/${p}/smaps_rollup`, 'utf8');
      total.rss += Number(/^Rss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
      total.pss += Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0);
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

function measure([command, args, env = {}]) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const cpuBefore = childrenCpuSeconds();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const peak = { rss: 0, pss: 0 };
    const sampler = setInterval(() => {
      const now = treeMemory(child.pid);
      peak.rss = Math.max(peak.rss, now.rss);
      peak.pss = Math.max(peak.pss, now.pss);
    }, 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0)
        return reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.slice(0, 300)}`));
      resolve({
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        cpuSeconds: childrenCpuSeconds() - cpuBefore,
        rssMb: peak.rss / 1024,
        pssMb: peak.pss / 1024,
      });
    });
  });
}

const round = (n, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs the commands in turn, RUNS times over; per command the median of each figure (memory: the largest). */
async function alternate(commands) {
  const runs = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let i = 0; i < RUNS; i++)
    for (const [name, command] of Object.entries(commands)) runs[name].push(await measure(command));
  return Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [
      name,
      {
        seconds: round(median(list.map((r) => r.seconds))),
        cpuSeconds: round(median(list.map((r) => r.cpuSeconds))),
        peakRssMb: Math.round(Math.max(...list.map((r) => r.rssMb))),
        peakPssMb: Math.round(Math.max(...list.map((r) => r.pssMb))),
        runs: list.map((r) => ({
          seconds: round(r.seconds),
          cpuSeconds: round(r.cpuSeconds),
          rssMb: Math.round(r.rssMb),
          pssMb: Math.round(r.pssMb),
        })),
      },
    ]),
  );
}

const bare = (path) => ['tshark', ['-r', path, '-T', 'fields', '-e', 'frame.number']];
const analyze = (path, env = {}) => [
  process.execPath,
  // --no-cache: every run analyses; a saved report would answer in a fraction of a second.
  [
    cli,
    'analyze',
    path,
    '--format',
    'json',
    '--out',
    join(tmpdir(), 'teamshark-bench-report.json'),
    '--force',
    '--no-cache',
  ],
  env,
];
const reportMb = () => round(statSync(join(tmpdir(), 'teamshark-bench-report.json')).size / 2 ** 20, 1);

const loadBefore = loadavg()[0];
const teams = join(shared, 'teams.pcap');
const hundredK = replicate('teams-100k.pcap', 64, teams);
const million = replicate('teams-1m.pcap', 10, hundredK);
const course = (name) => join(shared, 'teams-activities', name);
const relayedCall = replicate('call-relayed-100k.pcapng', 22, course('audio-4g-K1AG.pcapng'));
// What users bring: calls, where most packets are media (issue 29). An audio call (6,980 packets, 6,209 of them
// RTP/RTCP/STUN) and a video call with heavy TCP beside it (5,966 packets, 55 % of the bytes TCP).
const audioCall = replicate('call-audio-100k.pcapng', 14, course('audio-wifi-K1AW-60sec.pcapng'));
const videoCall = replicate('call-video-100k.pcapng', 17, course('video-4g-K3VG-60sec.pcapng'));

const results = [];
for (const [label, path] of [
  ['~100k packets', hundredK],
  ['~1M packets', million],
  ['~100k packets, a call relayed over TCP 443', relayedCall],
  ['~100k packets, an audio call', audioCall],
  ['~1M packets, an audio call', replicate('call-audio-1m.pcapng', 10, audioCall)],
  ['~100k packets, a video call', videoCall],
  ['~1M packets, a video call', replicate('call-video-1m.pcapng', 10, videoCall)],
]) {
  const measured = await alternate({
    bareTshark: bare(path),
    chunked: analyze(path),
    onePass: analyze(path, { TEAMSHARK_CHUNK_PACKETS: '0' }),
    ndpiReader: ['ndpiReader', ['-i', path, '-q']],
  });
  await measure(analyze(path));
  const ratio = (name, key) => round(measured[name][key] / measured.bareTshark[key]);
  results.push({
    input: label,
    packets: packetsOf(path),
    ...measured,
    reportMb: reportMb(),
    ratio: {
      chunked: ratio('chunked', 'seconds'),
      onePass: ratio('onePass', 'seconds'),
      chunkedCpu: ratio('chunked', 'cpuSeconds'),
      onePassCpu: ratio('onePass', 'cpuSeconds'),
    },
  });
}

// Where two tsharks on halves of a capture start to beat one tshark on all of it.
const crossover = [];
for (const packets of [12_500, 25_000, 50_000]) {
  const path = slice(`teams-${packets / 1000}k.pcap`, packets, hundredK);
  const measured = await alternate({
    onePass: analyze(path, { TEAMSHARK_CHUNK_PACKETS: '0' }),
    halves: analyze(path, { TEAMSHARK_CHUNK_PACKETS: String(Math.ceil(packets / 2)) }),
  });
  crossover.push({
    packets,
    onePass: measured.onePass.seconds,
    halves: measured.halves.seconds,
    onePassCpu: measured.onePass.cpuSeconds,
    halvesCpu: measured.halves.cpuSeconds,
  });
}

const courses = join(shared, 'teams-activities');
const batch = readdirSync(courses)
  .filter((f) => f.endsWith('.pcapng'))
  .map((f) => join(courses, f));
let sequential = 0;
for (const path of batch) sequential += (await measure(analyze(path))).seconds;
const out = mkdtempSync(join(tmpdir(), 'teamshark-bench-'));
const jobs = cpus().length;
const parallel = await measure([
  process.execPath,
  [cli, 'analyze', courses, '--out', out, '--format', 'json', '--jobs', String(jobs)],
]);
rmSync(out, { recursive: true, force: true });

const machine = {
  cores: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  tshark: execFileSync('tshark', ['--version']).toString().split('\n')[0],
  loadAverage: { before: round(loadBefore, 1), after: round(loadavg()[0], 1) },
};
const batchResult = {
  captures: batch.length,
  oneAfterAnother: { seconds: round(sequential) },
  jobs: {
    jobs,
    seconds: round(parallel.seconds),
    cpuSeconds: round(parallel.cpuSeconds),
    peakPssMb: Math.round(parallel.pssMb),
  },
};
writeFileSync(
  join(root, 'bench', 'results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), runs: RUNS, machine, results, crossover, batch: batchResult }, null, 2)}\n`,
);

const cell = (m, ratio) =>
  `${m.seconds} s${ratio ? ` (**${ratio}×**)` : ''}, ${m.cpuSeconds} s CPU, ${m.peakPssMb} MB PSS / ${m.peakRssMb} MB RSS`;
const table = [
  '| input | packets | bare tshark | analyze, chunked (default) | analyze, one pass | ndpiReader | report |',
  '|---|---|---|---|---|---|---|',
  ...results.map(
    (r) =>
      `| ${r.input} | ${r.packets} | ${cell(r.bareTshark)} | ${cell(r.chunked, r.ratio.chunked)} | ${cell(r.onePass, r.ratio.onePass)} | ${cell(r.ndpiReader)} | ${r.reportMb} MB |`,
  ),
  '',
  '| packets | one pass | two tsharks on halves |',
  '|---|---|---|',
  ...crossover.map(
    (c) => `| ${c.packets} | ${c.onePass} s, ${c.onePassCpu} s CPU | ${c.halves} s, ${c.halvesCpu} s CPU |`,
  ),
  '',
  `Median of ${RUNS} alternating runs; ratios in bold are wall time to the bare pass. ${batch.length} course captures: ${round(sequential, 1)} s one process after the other, ${round(parallel.seconds, 1)} s as one batch with \`--jobs ${jobs}\`.`,
  `Machine: ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.tshark.replace(/\.$/, '')}; load average ${machine.loadAverage.before} before the run, ${machine.loadAverage.after} after; ${new Date().toISOString().slice(0, 10)}.`,
].join('\n');
console.log(table);

if (options.readme) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = '<!-- bench:start (npm run bench -- --readme) -->';
  const end = '<!-- bench:end -->';
  if (!text.includes(start) || !text.includes(end)) throw new Error(`README.md has no ${start} … ${end} section`);
  writeFileSync(
    readme,
    `${text.slice(0, text.indexOf(start) + start.length)}\n${table}\n${text.slice(text.indexOf(end))}`,
  );
}
