import { createHash } from 'node:crypto';
import { readFile, readdir, rm, stat, utimes } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnalyzeOptions } from '../analyze.js';
import type { Report } from '../schema/generated/report.js';
import { resolveChunking } from '../tshark/chunking/plan.js';
import { locateTshark } from '../tshark/locate.js';
import { wiresharkConfigFolder } from '../wireshark/profile.js';
import { REPORT_SCHEMA_VERSION, TOOL_VERSION } from '../util/version.js';
import { cacheFolder } from '../util/cache-folder.js';
import { fileIdentity, writeCacheEntry } from '../util/files.js';

/** At most this many reports are kept, and at most this many bytes of them: a large capture's report is 5–8 MB. */
const SAVED_REPORT_LIMITS = { entries: 32, bytes: 256 * 1024 * 1024 };

/**
 * Reports saved on disk, shared by `teamshark analyze` and `teamshark mcp`: a capture analysed once is not
 * analysed again while nothing its report depends on has changed (savedReportKey). The least recently used
 * entries are deleted past SAVED_REPORT_LIMITS. Best effort, like the tshark facts: a read-only or full disk
 * costs the saving, never the analysis, and an entry that cannot be read or fails the report schema is a miss.
 */
export class SavedReports {
  constructor(
    private readonly folder: string = cacheFolder('reports'),
    private readonly limits = SAVED_REPORT_LIMITS,
  ) {}

  /** The report saved under `key`, or undefined. A hit marks the entry as used (its modification time). */
  async read(key: string): Promise<Report | undefined> {
    const file = this.file(key);
    try {
      const text = await readFile(file, 'utf8');
      const newline = text.indexOf('\n');
      // The key is stored as the entry's first line: two keys that share a file name never serve each other.
      if (newline < 0 || text.slice(0, newline) !== JSON.stringify(key)) return undefined;
      const report: unknown = JSON.parse(text.slice(newline + 1));
      // Loaded here, not at start: its code costs ≈ 20 ms, which an analysis that reads no saved report need not pay.
      const { validateReport } = await import('../schema/validate-report.js');
      if (!validateReport(report)) return undefined;
      const now = new Date();
      await utimes(file, now, now).catch(() => undefined);
      return report;
    } catch {
      return undefined;
    }
  }

  /** Saves the report whole (a concurrent reader sees all or nothing), then keeps the folder within its limits. */
  async write(key: string, report: Report): Promise<void> {
    if (await writeCacheEntry(this.file(key), `${JSON.stringify(key)}\n${JSON.stringify(report)}\n`))
      await this.evict().catch(() => undefined);
  }

  /**
   * Deletes the least recently used files past the limits. Every file counts, a temporary one too: one left by
   * a killed process ages out like an entry (one being written at that moment fails its rename and is skipped).
   */
  private async evict(): Promise<void> {
    const files = await Promise.all(
      (await readdir(this.folder)).map(async (name) => {
        const path = join(this.folder, name);
        const info = await stat(path).catch(() => undefined);
        return info?.isFile() ? { path, bytes: info.size, usedMs: info.mtimeMs } : undefined;
      }),
    );
    let entries = 0;
    let bytes = 0;
    for (const entry of files.filter((f) => f !== undefined).sort((a, b) => b.usedMs - a.usedMs)) {
      entries++;
      bytes += entry.bytes;
      if (entries > this.limits.entries || bytes > this.limits.bytes) await rm(entry.path, { force: true });
    }
  }

  private file(key: string): string {
    return join(this.folder, `${createHash('sha256').update(key).digest('hex')}.json`);
  }
}

/**
 * The analysis of `capture`, from the saved reports when they hold it, else made and saved. Only a regular
 * file is saved (a pipe's bytes cannot be identified), and only when its key did not change during the
 * analysis (a capture still being written).
 */
export async function analyzeWithSavedReports(
  capture: string,
  options: AnalyzeOptions,
  saved: SavedReports,
): Promise<Report> {
  const key = await savedReportKey(capture, options);
  const kept = key === undefined ? undefined : await saved.read(key);
  // The file as named now: the same capture may have been saved under another relative path.
  if (kept) return { ...kept, capture: { ...kept.capture, file: capture } };
  // Loaded on a miss only: a saved report is served without the analysis's modules and tables (≈ 0.3 s).
  const { analyzeCapture } = await import('../analyze.js');
  const report = await analyzeCapture(capture, options);
  if (key !== undefined && key === (await savedReportKey(capture, options))) await saved.write(key, report);
  return report;
}

/**
 * The Wireshark configuration files of the default profile that tshark reads and that change how it decodes
 * (init.lua runs Lua dissectors).
 */
const WIRESHARK_DISSECTION_FILES = [
  'preferences',
  'decode_as_entries',
  'disabled_protos',
  'enabled_protos',
  'heuristic_protos',
  'init.lua',
];

/** Where tshark loads a user's own plugins (Lua and binary dissectors) from. */
function personalPluginsFolder(): string {
  if (process.platform === 'win32') return join(wiresharkConfigFolder(), 'plugins');
  return join(process.env.HOME || homedir(), '.local', 'lib', 'wireshark', 'plugins');
}

/**
 * Everything a report depends on besides Teamshark's code, so that a saved report is never served stale: the
 * capture (fileIdentity), the running build (Teamshark's version, the report schema's, and this module's file, which
 * every build rewrites, so a developer's rebuild misses too), tshark (its file and version), tshark's own
 * configuration files and the user's plugins, and each option that changes the report: decode-as rules, the
 * key log (as named, since the report quotes it, and its file), the activity window, the chunking. The
 * timeout, progress and cancellation change whether a report is made, not what it says. Undefined when the
 * capture is not a regular file or something cannot be identified: then nothing is saved.
 */
async function savedReportKey(capture: string, options: AnalyzeOptions): Promise<string | undefined> {
  try {
    const file = await fileIdentity(capture);
    const tshark = await locateTshark(options.tsharkPath);
    if (!file || !tshark.binary) return undefined;
    const keylog = options.keylog === undefined ? undefined : await fileIdentity(options.keylog);
    if (options.keylog !== undefined && !keylog) return undefined;
    const wiresharkFolder = process.env.WIRESHARK_CONFIG_DIR || wiresharkConfigFolder();
    return JSON.stringify({
      teamshark: [TOOL_VERSION, REPORT_SCHEMA_VERSION, await fileIdentity(fileURLToPath(import.meta.url))],
      capture: file,
      tshark: [tshark.binary.key, tshark.version],
      wireshark: await Promise.all(
        WIRESHARK_DISSECTION_FILES.map(async (name) => (await fileIdentity(join(wiresharkFolder, name))) ?? null),
      ),
      plugins: await filesUnder(personalPluginsFolder()),
      tsharkOptions: options.tsharkOptions ?? [],
      keylog: options.keylog === undefined ? null : [options.keylog, keylog],
      activityWindowSec: options.activityWindowSec ?? null,
      chunking: resolveChunking(options.chunking),
    });
  } catch {
    // tshark missing, a bad chunking setting: the analysis fails with its own message.
    return undefined;
  }
}

/** The regular files anywhere under a folder, identified like fileIdentity, in order; none when it does not exist. */
async function filesUnder(folder: string): Promise<string[]> {
  const names = await readdir(folder, { recursive: true }).catch(() => []);
  const files = await Promise.all(names.map((name) => fileIdentity(join(folder, name))));
  return files.filter((file) => file !== undefined).sort();
}
