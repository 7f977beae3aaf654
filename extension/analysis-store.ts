import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { analyzeCapture } from '../core/analyze.js';
import { AnalysisCancelled, TeamsharkError } from '../core/errors.js';
import type { Report } from '../core/schema/generated/report.js';
import { validateReport } from '../core/schema/validate.js';
import { TOOL_VERSION } from '../core/version.js';
import { analysisSettings } from './settings.js';
import type { UntrustedConsent } from './trust.js';

export interface Analysis {
  uri: vscode.Uri;
  report: Report;
}

/** The user said no to analysing a capture in an untrusted workspace. */
export class AnalysisDeclined extends Error {
  constructor(uri: vscode.Uri) {
    super(`${basename(uri.fsPath)} was not analysed: the workspace is not trusted`);
  }
}

interface CacheEntry {
  key: string;
  report: Report;
}

/**
 * Every analysis of this window, and the cache behind it. A report is reused while the capture's size and
 * modification time, Teamshark's version and the analysis settings are unchanged — from memory, or from
 * the extension's storage after a reload — so reopening a capture is instant.
 */
export class AnalysisStore implements vscode.Disposable {
  private readonly analyses = new Map<string, Analysis>();
  private readonly memory = new Map<string, CacheEntry>();
  private readonly running = new Map<string, { key: string; report: Promise<Report> }>();
  /** Analyses under way, stopped when the extension is (a closing window must not leave tshark running). */
  private readonly controllers = new Set<AbortController>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly storage: vscode.Uri,
    private readonly consent: UntrustedConsent,
  ) {}

  /** Captures analysed in this window, in the order they were first analysed. */
  get all(): Analysis[] {
    return [...this.analyses.values()];
  }

  get(uri: vscode.Uri): Analysis | undefined {
    return this.analyses.get(uri.toString());
  }

  forget(uri: vscode.Uri): void {
    if (this.analyses.delete(uri.toString())) this.changed.fire(uri);
  }

  /**
   * The capture's report: cached when still valid (unless `force`), otherwise a fresh analysis shown with a
   * cancellable progress notification. Cancelling (there or through `token`) stops tshark and rejects with
   * vscode.CancellationError; other failures reject with a one-line message.
   */
  async analyze(uri: vscode.Uri, options: { force?: boolean; token?: vscode.CancellationToken } = {}): Promise<Report> {
    if (uri.scheme !== 'file') throw new TeamsharkError(`${uri.toString()}: Teamshark reads captures from local files only`);
    if (!(await this.consent.allows(uri))) throw new AnalysisDeclined(uri);
    const key = await cacheKey(uri);
    const inFlight = this.running.get(uri.toString());
    if (inFlight && inFlight.key === key && !options.force) return inFlight.report;
    const cached = options.force ? undefined : await this.cached(uri, key);
    const report = cached ? Promise.resolve(cached) : this.run(uri, key, options.token);
    this.running.set(uri.toString(), { key, report });
    try {
      const result = await report;
      this.analyses.set(uri.toString(), { uri, report: result });
      this.changed.fire(uri);
      return result;
    } finally {
      if (this.running.get(uri.toString())?.report === report) this.running.delete(uri.toString());
    }
  }

  private async run(uri: vscode.Uri, key: string, token: vscode.CancellationToken | undefined): Promise<Report> {
    const title = `Teamshark: analysing ${basename(uri.fsPath)}`;
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, progressToken) => {
      const controller = new AbortController();
      this.controllers.add(controller);
      const subscriptions = [progressToken, token].map((t) => t?.onCancellationRequested(() => controller.abort()));
      if (token?.isCancellationRequested) controller.abort();
      try {
        const report = await analyzeCapture(uri.fsPath, {
          ...analysisSettings(),
          signal: controller.signal,
          onProgress: (packets) => progress.report({ message: `${packets.toLocaleString('en')} packets read…` }),
        });
        await this.remember(uri, { key, report });
        return report;
      } catch (error) {
        if (error instanceof AnalysisCancelled) throw new vscode.CancellationError();
        throw error;
      } finally {
        this.controllers.delete(controller);
        for (const subscription of subscriptions) subscription?.dispose();
      }
    });
  }

  private async cached(uri: vscode.Uri, key: string): Promise<Report | undefined> {
    const inMemory = this.memory.get(uri.toString());
    if (inMemory?.key === key) return inMemory.report;
    try {
      const stored = JSON.parse(await readFile(this.cacheFile(uri), 'utf8')) as CacheEntry;
      if (stored.key !== key || !validateReport(stored.report)) return undefined;
      this.memory.set(uri.toString(), stored);
      return stored.report;
    } catch {
      return undefined; // no entry yet, or one from an older version: analyse again
    }
  }

  /** Keeps the report in memory and, best effort, in storage (written whole, then renamed). */
  private async remember(uri: vscode.Uri, entry: CacheEntry): Promise<void> {
    this.memory.set(uri.toString(), entry);
    const file = this.cacheFile(uri);
    const temporary = `${file}.${process.pid}.tmp`;
    try {
      await mkdir(this.storage.fsPath, { recursive: true });
      await writeFile(temporary, JSON.stringify(entry));
      await rename(temporary, file);
    } catch {
      await rm(temporary, { force: true }); // a full disk costs the cache, not the analysis
    }
  }

  private cacheFile(uri: vscode.Uri): string {
    return vscode.Uri.joinPath(this.storage, `${createHash('sha256').update(uri.toString()).digest('hex').slice(0, 32)}.json`).fsPath;
  }

  dispose(): void {
    for (const controller of this.controllers) controller.abort();
    this.changed.dispose();
  }
}

/** What a cached report depends on: the file as it is now, this version, and the settings it ran with. */
async function cacheKey(uri: vscode.Uri): Promise<string> {
  let size = -1;
  let modified = -1;
  try {
    const info = await stat(uri.fsPath);
    size = info.size;
    modified = info.mtimeMs;
  } catch {
    // the analysis reports the missing or unreadable file in its own words
  }
  return JSON.stringify({ path: uri.fsPath, size, modified, version: TOOL_VERSION, settings: analysisSettings() });
}
