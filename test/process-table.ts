// What the tests ask /proc about the processes, threads and files Teamshark opens (Linux): no tshark may outlive
// an analysis, and no analysis thread or open file may outlive its analysis.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** tshark processes whose parent is this process (the extension host, or a test's Node), from the process table. */
export function tsharkChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (name === 'tshark' && parent === process.pid) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** A process's command line, for a failure message. */
export function commandLine(pid: number): string {
  try {
    return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
  } catch {
    return `${pid}: ended`;
  }
}

/** Files this process has open. */
export function openFiles(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)];
    } catch {
      return []; // closed while we looked
    }
  });
}

/** Threads of this process (a worker thread is one of them). */
export function threadCount(): number {
  return readdirSync('/proc/self/task').length;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); // a zombie has ended
  } catch {
    return false;
  }
}
