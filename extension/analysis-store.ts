import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { AnalysisCancelled, TeamsharkError } from '../core/util/errors.js';
import type { Report } from '../core/schema/generated/report.js';
import { validateReport } from '../core/schema/validate-report.js';
import { TOOL_VERSION } from '../core/util/version.js';
import { analysisSettings } from './settings.js';
import type { UntrustedConsent } from './trust.js';
import { ReportCache } from '../core/util/report-cache.js';
import { writeCacheEntry } from '../core/util/files.js';
import { analyzeInWorker } from './worker/analyze-in-worker.js';

export interface Analysis {
  uri: vscode.Uri;
  report: Report;
}

/** The user said no to analysing a capture in an untrusted workspace. */
export class AnalysisDeclined extends TeamsharkError {
  constructor(uri: vscode.Uri) {
    super('workspace-untrusted', `${basename(uri.fsPath)} was not analysed: the workspace is not trusted`);
  }
}

export interface AnalysisProgress {
  uri: vscode.Uri;
  packets: number;
  total?: number;
  elapsedMs: number;
}

/** An analysis under way, shared by its callers; `waiting` counts those that can still withdraw. */
interface RunningAnalysis {
  key: string;
  report: Promise<Report>;
  controller: AbortController;
  waiting: number;
}

interface CacheEntry {
  key: string;
  report: Report;
}

/** Reports the cache keeps in memory at most (those the Captures tree shows stay there regardless). */
const MEMORY_REPORTS = 4;

/**
 * Every analysis of this window, and the cache behind it. A report is reused while the capture's size and
 * modification time, Teamshark's version and the analysis settings are unchanged — from memory, or from
 * the extension's storage after a reload — so reopening a capture is instant. Memory keeps the last few
 * reports, and drops one as soon as neither the Captures tree nor an open view shows its capture.
 */
export class AnalysisStore implements vscode.Disposable {
  /** What the Captures tree shows: every capture analysed in this window, until removed from it. */
  private readonly analyses = new Map<string, Analysis>();
  private readonly memory = new ReportCache<Report>(MEMORY_REPORTS);
  /** Open analysis views, by capture. */
  private readonly views = new Map<string, number>();
  private readonly running = new Map<string, RunningAnalysis>();
  /** Analyses under way, stopped when the extension is (a closing window must not leave tshark running). */
  private readonly controllers = new Set<AbortController>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly progressed = new vscode.EventEmitter<AnalysisProgress>();
  /** Packets read so far by an analysis under way (the views show it). */
  readonly onDidProgress = this.progressed.event;

  /** `workerScript` is the bundled analysis worker (dist/analysis-worker.cjs): analyses run off the host's thread. */
  constructor(
    private readonly storage: vscode.Uri,
    private readonly consent: UntrustedConsent,
    private readonly workerScript: string,
  ) {}

  /** Captures analysed in this window, in the order they were first analysed. */
  get all(): Analysis[] {
    return [...this.analyses.values()];
  }

  get(uri: vscode.Uri): Analysis | undefined {
    return this.analyses.get(uri.toString());
  }

  /** Removes the capture from the Captures tree. */
  forget(uri: vscode.Uri): void {
    if (this.analyses.delete(uri.toString())) this.changed.fire(uri);
    this.dropUnlessShown(uri.toString());
  }

  /** An analysis view shows the capture: its report stays in memory until the view is disposed. */
  openView(uri: vscode.Uri): vscode.Disposable {
    const capture = uri.toString();
    this.views.set(capture, (this.views.get(capture) ?? 0) + 1);
    return new vscode.Disposable(() => {
      const left = this.views.get(capture)! - 1;
      if (left) this.views.set(capture, left);
      else this.views.delete(capture);
      this.dropUnlessShown(capture);
    });
  }

  /** Whether the capture's report is in memory (the rest are in storage). */
  inMemory(uri: vscode.Uri): boolean {
    return this.memory.has(uri.toString());
  }

  private dropUnlessShown(capture: string): void {
    if (!this.analyses.has(capture) && !this.views.has(capture)) this.memory.delete(capture);
  }

  /**
   * The capture's report: cached when still valid (unless `force`), otherwise a fresh analysis shown with a
   * cancellable progress notification. One analysis per capture serves every caller; it stops (tshark with
   * it) when the notification's Cancel is pressed, or when every caller that passed a `token` has cancelled
   * and no caller without one is waiting. A cancelled caller's promise rejects with vscode.CancellationError;
   * other failures reject with a one-line message.
   */
  async analyze(uri: vscode.Uri, options: { force?: boolean; token?: vscode.CancellationToken } = {}): Promise<Report> {
    if (uri.scheme !== 'file')
      throw new TeamsharkError('not-a-local-file', `${uri.toString()}: Teamshark reads captures from local files only`);
    if (!(await this.consent.allows(uri))) throw new AnalysisDeclined(uri);
    if (options.token?.isCancellationRequested) throw new vscode.CancellationError();
    const key = await cacheKey(uri);
    let entry = this.running.get(uri.toString());
    if (!entry || entry.key !== key || options.force) {
      const cached = options.force ? undefined : await this.cached(uri, key);
      const controller = new AbortController();
      entry = {
        key,
        controller,
        waiting: 0,
        report: cached ? Promise.resolve(cached) : this.run(uri, key, controller),
      };
      this.running.set(uri.toString(), entry);
      void this.settle(uri, entry);
    }
    return await this.wait(entry, options.token);
  }

  /**
   * Records a finished analysis (and tells the views), whoever is still waiting for it. The same report served
   * again from memory changes nothing and is not announced: every announcement refreshes the Captures tree,
   * and a refresh overlapping another makes VS Code's batched tree requests hand one capture's children to
   * another (issue 31).
   */
  private async settle(uri: vscode.Uri, entry: RunningAnalysis): Promise<void> {
    try {
      const report = await entry.report;
      const known = this.analyses.get(uri.toString());
      if ((this.running.get(uri.toString()) === entry || !known) && known?.report !== report) {
        this.analyses.set(uri.toString(), { uri, report });
        this.changed.fire(uri);
      }
    } catch {
      // each caller sees the failure through its own promise
    } finally {
      if (this.running.get(uri.toString()) === entry) this.running.delete(uri.toString());
    }
  }

  /** One caller's wait: its token withdraws its interest, and the last interest withdrawn stops tshark. */
  private async wait(entry: RunningAnalysis, token: vscode.CancellationToken | undefined): Promise<Report> {
    if (!token) {
      entry.waiting = Number.POSITIVE_INFINITY; // a caller that cannot cancel keeps the analysis going
      return await entry.report;
    }
    entry.waiting += 1;
    let subscription: vscode.Disposable | undefined;
    const cancelled = new Promise<never>((_, reject) => {
      subscription = token.onCancellationRequested(() => {
        entry.waiting -= 1;
        if (entry.waiting <= 0) entry.controller.abort();
        reject(new vscode.CancellationError());
      });
    });
    try {
      return await Promise.race([entry.report, cancelled]);
    } finally {
      subscription?.dispose();
    }
  }

  private async run(uri: vscode.Uri, key: string, controller: AbortController): Promise<Report> {
    const title = `Teamshark: analysing ${basename(uri.fsPath)}`;
    const started = Date.now();
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      async (progress, progressToken) => {
        this.controllers.add(controller);
        const subscription = progressToken.onCancellationRequested(() => controller.abort());
        const bar = new ProgressBar();
        try {
          const { report, json } = await analyzeInWorker(
            this.workerScript,
            { capture: uri.fsPath, settings: analysisSettings() },
            {
              signal: controller.signal,
              onProgress: (packets, total) => {
                progress.report(bar.step(packets, total));
                this.progressed.fire({ uri, packets, total, elapsedMs: Date.now() - started });
              },
            },
          );
          await this.remember(uri, { key, report }, json);
          return report;
        } catch (error) {
          if (error instanceof AnalysisCancelled) throw new vscode.CancellationError();
          throw error;
        } finally {
          this.controllers.delete(controller);
          subscription.dispose();
        }
      },
    );
  }

  private async cached(uri: vscode.Uri, key: string): Promise<Report | undefined> {
    const inMemory = this.memory.get(uri.toString(), key);
    if (inMemory) return inMemory;
    try {
      const stored = JSON.parse(await readFile(this.cacheFile(uri), 'utf8')) as CacheEntry;
      if (stored.key !== key || !validateReport(stored.report)) return undefined;
      this.memory.set(uri.toString(), key, stored.report);
      return stored.report;
    } catch {
      return undefined; // no entry yet, or one from an older version: analyse again
    }
  }

  /**
   * Keeps the report in memory and, best effort, in storage (written whole, then renamed). The entry is written
   * around the report's JSON text as the worker made it: serialising a large report again would stall the host.
   */
  private async remember(uri: vscode.Uri, entry: CacheEntry, reportJson: string): Promise<void> {
    this.memory.set(uri.toString(), entry.key, entry.report);
    await writeCacheEntry(this.cacheFile(uri), `{"key":${JSON.stringify(entry.key)},"report":${reportJson}}`);
  }

  private cacheFile(uri: vscode.Uri): string {
    return vscode.Uri.joinPath(
      this.storage,
      `${createHash('sha256').update(uri.toString()).digest('hex').slice(0, 32)}.json`,
    ).fsPath;
  }

  dispose(): void {
    for (const controller of this.controllers) controller.abort();
    this.changed.dispose();
    this.progressed.dispose();
  }
}

/**
 * The notification's progress: the message says how many packets were read of how many, and the bar fills
 * by the percent read since the last step (VS Code adds the increments up, so they never sum past 100). With
 * no total the bar keeps its endless animation.
 */
class ProgressBar {
  private filled = 0;

  step(packets: number, total: number | undefined): { message: string; increment?: number } {
    const message = `${packets.toLocaleString('en')}${total ? ` of ${total.toLocaleString('en')}` : ''} packets read…`;
    if (!total) return { message };
    const percent = Math.max(this.filled, Math.min(100, Math.floor((packets / total) * 100)));
    const increment = percent - this.filled;
    this.filled = percent;
    return { message, increment };
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
