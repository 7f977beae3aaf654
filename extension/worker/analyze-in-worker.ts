import { Worker } from 'node:worker_threads';
import { AnalysisCancelled, TeamsharkError } from '../../core/util/errors.js';
import type { Report } from '../../core/schema/generated/report.js';
import type { AnalysisJob, FromAnalysisWorker, ToAnalysisWorker } from './protocol.js';

export interface WorkerAnalysisOptions {
  signal: AbortSignal;
  /** Packets read so far, of the total from the record index when the capture could be indexed. */
  onProgress: (packets: number, total: number | undefined) => void;
}

/** A finished analysis: the report, and the JSON text it was parsed from (for the cache). */
export interface WorkerReport {
  report: Report;
  json: string;
}

/**
 * How long a worker gets to answer a cancel, or to end after its answer (a tshark it started is still
 * exiting), before its thread is ended regardless.
 */
const GRACE_MS = 5_000;

/**
 * Analyses a capture in a worker thread running `script` (dist/analysis-worker.cjs), so that the extension
 * host's thread stays free. Resolves to the report; rejects with AnalysisCancelled when `signal` aborts (after
 * the worker has stopped its tshark), with a TeamsharkError for what the user must fix, and with a one-line
 * Error otherwise. The thread ends with the analysis, however it ends.
 */
export function analyzeInWorker(
  script: string,
  job: AnalysisJob,
  options: WorkerAnalysisOptions,
): Promise<WorkerReport> {
  if (options.signal.aborted) return Promise.reject(new AnalysisCancelled());
  return new Promise<WorkerReport>((resolve, reject) => {
    const worker = new Worker(script, { workerData: job });
    let settled = false;
    let exited = false;
    let deadline: NodeJS.Timeout | undefined;
    const endSoon = () => {
      clearTimeout(deadline);
      deadline = setTimeout(() => void worker.terminate(), GRACE_MS);
    };
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      options.signal.removeEventListener('abort', cancel);
      if (!exited) endSoon();
      settle();
    };
    const cancel = () => {
      worker.postMessage({ type: 'cancel' } satisfies ToAnalysisWorker);
      endSoon();
    };
    options.signal.addEventListener('abort', cancel, { once: true });
    worker.on('message', (message: FromAnalysisWorker) => {
      switch (message.type) {
        case 'progress':
          if (!settled) options.onProgress(message.packets, message.total);
          break;
        case 'report':
          finish(() => resolve({ report: JSON.parse(message.json) as Report, json: message.json }));
          break;
        case 'cancelled':
          finish(() => reject(new AnalysisCancelled()));
          break;
        case 'error':
          finish(() =>
            reject(message.code ? new TeamsharkError(message.code, message.message) : new Error(message.message)),
          );
          break;
      }
    });
    worker.on('error', (error) =>
      finish(() => reject(new TeamsharkError('worker-failed', `the analysis failed: ${error.message}`))),
    );
    worker.on('exit', (code) => {
      exited = true;
      clearTimeout(deadline);
      finish(() =>
        reject(
          options.signal.aborted
            ? new AnalysisCancelled()
            : new TeamsharkError(
                'worker-failed',
                `the analysis stopped unexpectedly (its worker thread exited with code ${code})`,
              ),
        ),
      );
    });
  });
}
