import type { AnalyzeOptions } from '../../core/analyze.js';
import type { ErrorCode } from '../../core/util/errors.js';

/**
 * The messages between the extension host and the worker thread that analyses a capture
 * (extension/worker/analysis-worker.ts). One discriminator, `type`, in both directions.
 */

/** What the worker analyses, given as its workerData: plain data, cloned into the thread. */
export interface AnalysisJob {
  capture: string;
  settings: Pick<AnalyzeOptions, 'tsharkPath' | 'tsharkOptions' | 'activityWindowSec'>;
}

/** Host → worker. */
export type ToAnalysisWorker = { type: 'cancel' };

/**
 * Worker → host. `total` is the packet count from the capture's record index, absent where the file cannot be
 * indexed (compressed, several pcapng sections, damaged). The report comes as JSON text, made in the worker:
 * the host parses it once and stores the same text in its cache, instead of serialising a large report again
 * on its own thread. A TeamsharkError (a message meant for the user) comes with its `code`; a bug without one.
 */
export type FromAnalysisWorker =
  | { type: 'progress'; packets: number; total?: number }
  | { type: 'report'; json: string }
  | { type: 'cancelled' }
  | { type: 'error'; message: string; code?: ErrorCode };
