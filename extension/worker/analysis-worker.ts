import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { analyzeCapture } from '../../core/analyze.js';
import { AnalysisCancelled, TeamsharkError, oneLine } from '../../core/util/errors.js';
import type { AnalysisJob, FromAnalysisWorker, ToAnalysisWorker } from './protocol.js';

/**
 * One analysis in a worker thread (bundled as dist/analysis-worker.cjs): parsing tshark's output and building
 * the report takes seconds of CPU per 100k packets, which on the extension host's thread would stall every
 * extension. A cancel aborts the analysis here, so tshark is stopped by the code that started it.
 */
if (!parentPort) throw new Error('analysis-worker runs as a worker thread of the extension host');
const port: MessagePort = parentPort;
const job = workerData as AnalysisJob;
const controller = new AbortController();
const post = (message: FromAnalysisWorker) => port.postMessage(message);
port.on('message', (message: ToAnalysisWorker) => {
  if (message.type === 'cancel') controller.abort();
});

/**
 * Posts progress, then exactly one of: the report, cancelled, or a one-line error; then lets the thread end by
 * itself once every process it started has exited and been reaped (ending it sooner could leave a zombie).
 */
async function analyze(): Promise<void> {
  try {
    // The total for "packets read of total" comes from the record index the pass makes anyway (a header scan, not a decode).
    let total: number | undefined;
    const report = await analyzeCapture(job.capture, {
      ...job.settings,
      signal: controller.signal,
      onTotal: (packets) => {
        total = packets;
        post({ type: 'progress', packets: 0, total });
      },
      onProgress: (packets) => post({ type: 'progress', packets, total }),
    });
    post({ type: 'report', json: JSON.stringify(report) });
  } catch (error) {
    if (error instanceof AnalysisCancelled || controller.signal.aborted) post({ type: 'cancelled' });
    else
      post({
        type: 'error',
        message: oneLine(error instanceof Error ? error.message : String(error)),
        ...(error instanceof TeamsharkError ? { code: error.code } : {}),
      });
  } finally {
    port.unref(); // the thread ends once its last process has exited
  }
}

void analyze();
