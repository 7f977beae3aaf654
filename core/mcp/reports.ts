import { stat } from 'node:fs/promises';
import { analyzeWithSavedReports, SavedReports } from '../cache/saved-reports.js';
import type { Report } from '../schema/generated/report.js';
import { TeamsharkError } from '../util/errors.js';
import { ReportCache } from '../util/report-cache.js';
import { TOOL_VERSION } from '../util/version.js';
import type { ReportSource } from './tools/tool.js';

/** Reports kept in memory: an agent asks several questions about the same few captures in a row. */
const KEPT_REPORTS = 4;

export interface ReportOptions {
  /** Stops tshark and fails with a one-line error after this long. */
  timeoutMs: number;
  signal?: AbortSignal;
  tsharkPath?: string;
}

/**
 * The reports the server has made, by capture: reused while the file's size and modification time and
 * Teamshark's version are unchanged. A report not in memory is looked up in the reports saved on disk, which
 * `teamshark analyze` shares, before the capture is analysed. Questions asked about one capture at once share
 * one analysis; it stops when every caller has cancelled.
 */
export class ServerReports implements ReportSource {
  private readonly kept = new ReportCache<Report>(KEPT_REPORTS);
  private readonly saved = new SavedReports();
  private readonly running = new Map<
    string,
    { key: string; report: Promise<Report>; waiting: number; stop: AbortController }
  >();

  async of(capture: string, options: ReportOptions): Promise<Report> {
    options.signal?.throwIfAborted();
    const { size, mtimeMs } = await stat(capture);
    const key = `${size}/${mtimeMs}/${TOOL_VERSION}`;
    const kept = this.kept.get(capture, key);
    if (kept) return kept;
    let run = this.running.get(capture);
    if (run?.key !== key) {
      const stop = new AbortController();
      const report = analyzeWithSavedReports(
        capture,
        { timeoutMs: options.timeoutMs, signal: stop.signal, tsharkPath: options.tsharkPath },
        this.saved,
      );
      run = { key, report, waiting: 0, stop };
      this.running.set(capture, run);
      const settled = run;
      report
        .then((made) => this.kept.set(capture, key, made))
        .catch(() => undefined)
        .finally(() => {
          if (this.running.get(capture) === settled) this.running.delete(capture);
        });
    }
    return await this.wait(run, options.signal);
  }

  private async wait(run: { report: Promise<Report>; waiting: number; stop: AbortController }, signal?: AbortSignal) {
    run.waiting++;
    const withdraw = () => {
      if (--run.waiting === 0) run.stop.abort();
    };
    signal?.addEventListener('abort', withdraw, { once: true });
    try {
      return await (signal
        ? Promise.race([
            run.report,
            new Promise<never>((_, reject) =>
              signal.addEventListener(
                'abort',
                () => reject(new TeamsharkError('cancelled', 'the call was cancelled')),
                { once: true },
              ),
            ),
          ])
        : run.report);
    } finally {
      signal?.removeEventListener('abort', withdraw);
      if (!signal?.aborted) run.waiting--;
    }
  }
}
