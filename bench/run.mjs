// npm run bench: how Teamshark's analysis compares with one bare tshark pass (the floor for a tshark-based
// tool) and with ndpiReader, on teams.pcap replicated to ~100k and ~1M packets and on the 40 course
// captures as a batch. Wall time is the median of 3 runs; memory is the peak RSS of the whole process tree
// (node and every tshark it starts), sampled from /proc. Writes bench/results.json and prints a table.
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
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

function measure(command, args) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRss(child.pid))), 50);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code}`));
      resolve({ seconds: Number(process.hrtime.bigint() - started) / 1e9, peakMb: Math.round(peak / 1024) });
    });
  });
}

async function median(command, args) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await measure(command, args));
  runs.sort((a, b) => a.seconds - b.seconds);
  return { seconds: Math.round(runs[Math.floor(RUNS / 2)].seconds * 100) / 100, peakMb: Math.max(...runs.map((r) => r.peakMb)) };
}

const cli = join(root, 'out', 'core', 'cli.js');
const teams = join(shared, 'teams.pcap');
const hundredK = build('teams-100k.pcap', 64, teams);
const million = build('teams-1m.pcap', 10, hundredK);
const packets = (path) => Number(/Number of packets:\s+([\d ]+)/.exec(execFileSync('capinfos', ['-c', '-M', path]).toString())[1].replace(/\s/g, ''));

const results = [];
for (const [label, path] of [['~100k packets', hundredK], ['~1M packets', million]]) {
  const bare = await median('tshark', ['-r', path, '-T', 'fields', '-e', 'frame.number']);
  const analyze = await median(process.execPath, [cli, 'analyze', path, '--format', 'json']);
  const ndpi = await median('ndpiReader', ['-i', path, '-q']);
  results.push({ input: label, packets: packets(path), bareTshark: bare, analyze, ndpiReader: ndpi, ratio: Math.round((analyze.seconds / bare.seconds) * 100) / 100 });
}
const batch = readdirSync(join(shared, 'teams-activities')).filter((f) => f.endsWith('.pcapng')).map((f) => join(shared, 'teams-activities', f));
const batchStart = process.hrtime.bigint();
for (const path of batch) await measure(process.execPath, [cli, 'analyze', path, '--format', 'json']);
const batchSeconds = Math.round(Number(process.hrtime.bigint() - batchStart) / 1e7) / 100;

const machine = { cores: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, tshark: execFileSync('tshark', ['--version']).toString().split('\n')[0] };
writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), machine, results, batch: { captures: batch.length, seconds: batchSeconds } }, null, 2)}\n`);
console.log(`| input | packets | bare tshark | teamshark analyze | ratio | ndpiReader |`);
console.log(`|---|---|---|---|---|---|`);
for (const r of results) {
  console.log(`| ${r.input} | ${r.packets} | ${r.bareTshark.seconds} s, ${r.bareTshark.peakMb} MB | ${r.analyze.seconds} s, ${r.analyze.peakMb} MB | ${r.ratio}× | ${r.ndpiReader.seconds} s, ${r.ndpiReader.peakMb} MB |`);
}
console.log(`\n${batch.length} course captures analysed one after the other: ${batchSeconds} s. Machine: ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.tshark}.`);
