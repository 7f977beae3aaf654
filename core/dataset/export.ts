import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { batchFailure, runBatch } from '../batch.js';
import { AnalysisCancelled, TeamsharkError } from '../util/errors.js';
import type { Report } from '../schema/generated/report.js';
import { TOOL_VERSION } from '../util/version.js';
import { openDuckDb } from './duckdb.js';
import { ecsBulkBody, indexTemplate } from './ecs.js';
import { MANIFEST_TABLE, type ManifestRecord } from './manifest.js';
import { claimCapture, releaseCapture, removeStale } from './owners.js';
import { captureId, DATA_FILE, fileBytes, partitionPath, writeCapturePartitions } from './partition.js';
import { DATASET_SCHEMA_VERSION } from './schema.js';
import { readManifest, type KnownCapture } from './views.js';

export type DatasetFormat = 'parquet' | 'ecs-ndjson';

export interface ExportOptions {
  out: string;
  format: DatasetFormat;
  jobs: number;
  /** Analyse captures the dataset already holds again (a new tool or tshark version). */
  force: boolean;
  analyze: (capture: string) => Promise<Report>;
  /** Recorded in the manifest of a capture whose analysis failed before tshark said its version. */
  tsharkVersion?: string;
  /** Called as each capture is done: its state, for a progress bar and the failures' lines. */
  onSettled?: (capture: string, outcome: ExportOutcome) => void;
}

export type ExportOutcome = { state: 'exported' | 'skipped'; id: string } | { state: 'failed'; error: string };

export interface ExportSummary {
  exported: number;
  skipped: number;
  failed: { capture: string; error: string }[];
}

/** File name of the index template in an ecs-ndjson export. */
export const INDEX_TEMPLATE_FILE = 'index-template.json';

/**
 * Analyses each capture (batch mode: `jobs` at a time, one failure does not stop the others) and adds it to the
 * dataset in `out`: Parquet partitions with a manifest record, or a _bulk NDJSON file. A capture whose bytes
 * the dataset already holds is skipped, unless `force`.
 */
export async function exportDataset(captures: readonly string[], options: ExportOptions): Promise<ExportSummary> {
  await mkdir(options.out, { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new TeamsharkError('write-failed', `cannot create ${options.out}: ${error.code ?? error.message}`);
  });
  const store =
    options.format === 'parquet' ? await ParquetStore.open(options.out) : await NdjsonStore.open(options.out);
  const claimed = new Set<string>();
  const outcomes = await runBatch(
    captures,
    options.jobs,
    async (capture): Promise<ExportOutcome> => {
      const id = await captureId(capture);
      // The same bytes twice in one export (a copy under another name) are analysed once.
      if (claimed.has(id) || (!options.force && store.holds(id))) return { state: 'skipped', id };
      claimed.add(id);
      // Another export into this dataset analysing the same bytes right now: it writes them.
      if (!(await store.claim(id, options.force))) return { state: 'skipped', id };
      try {
        return await exportClaimed(capture, id);
      } finally {
        await store.release(id);
      }
    },
    (outcome) =>
      options.onSettled?.(
        outcome.capture,
        'result' in outcome ? outcome.result : { state: 'failed', error: outcome.error },
      ),
  );
  store.close();
  return {
    exported: outcomes.filter((o) => 'result' in o && o.result.state === 'exported').length,
    skipped: outcomes.filter((o) => 'result' in o && o.result.state === 'skipped').length,
    failed: outcomes.flatMap((o) => ('error' in o ? [{ capture: o.capture, error: o.error }] : [])),
  };

  async function exportClaimed(capture: string, id: string): Promise<ExportOutcome> {
    const started = performance.now();
    const record = (status: ManifestRecord['status'], error: string | null, report?: Report): ManifestRecord => ({
      file: capture,
      fileBytes: report?.capture.fileBytes ?? 0,
      status,
      error,
      toolVersion: TOOL_VERSION,
      datasetSchemaVersion: DATASET_SCHEMA_VERSION,
      tsharkVersion: report?.capture.tshark.version ?? options.tsharkVersion ?? null,
      exportedAt: new Date().toISOString(),
      analysisSec: Math.round(performance.now() - started) / 1000,
    });
    let report: Report;
    try {
      report = await options.analyze(capture);
    } catch (error) {
      if (error instanceof AnalysisCancelled) throw error;
      const failure = batchFailure(error);
      await store.addFailure(id, { ...record('failed', failure.error), fileBytes: await fileBytes(capture) });
      throw new TeamsharkError(failure.code, failure.error);
    }
    await store.add(id, report, record('ok', null, report));
    return { state: 'exported', id };
  }
}

interface Store {
  holds(id: string): boolean;
  /** Takes the capture for this export; false when another export is analysing it (or, unless forced, wrote it). */
  claim(id: string, force: boolean): Promise<boolean>;
  release(id: string): Promise<void>;
  add(id: string, report: Report, record: ManifestRecord): Promise<void>;
  addFailure(id: string, record: ManifestRecord): Promise<void>;
  close(): void;
}

/** Parquet partitions by capture_id, written by DuckDB; the manifest says which captures are in and which failed. */
class ParquetStore implements Store {
  private constructor(
    private readonly dataset: string,
    private readonly connection: DuckDBConnection,
    private readonly known: Map<string, KnownCapture>,
  ) {}

  static async open(dataset: string): Promise<ParquetStore> {
    await removeStale(dataset);
    const connection = await openDuckDb();
    const known = await readManifest(connection, dataset);
    const major = (version: string) => version.split('.')[0];
    const other = [...known.values()].find((c) => major(c.datasetSchemaVersion) !== major(DATASET_SCHEMA_VERSION));
    if (other)
      throw new TeamsharkError(
        'dataset-schema-mismatch',
        `${dataset} holds dataset schema ${other.datasetSchemaVersion}; this teamshark writes ${DATASET_SCHEMA_VERSION}: export into a new folder`,
      );
    return new ParquetStore(dataset, connection, known);
  }

  /** Failed captures are tried again: the failure may have been a time limit or a missing tshark. */
  holds(id: string): boolean {
    return this.known.get(id)?.status === 'ok';
  }

  async claim(id: string, force: boolean): Promise<boolean> {
    if (!(await claimCapture(this.dataset, id))) return false;
    // Another export wrote the capture after this one read the manifest: done already.
    if (
      !force &&
      !this.known.has(id) &&
      existsSync(join(partitionPath(this.dataset, MANIFEST_TABLE.name, id), DATA_FILE))
    ) {
      await releaseCapture(this.dataset, id);
      return false;
    }
    return true;
  }

  release(id: string): Promise<void> {
    return releaseCapture(this.dataset, id);
  }

  add(id: string, report: Report, record: ManifestRecord): Promise<void> {
    return writeCapturePartitions(this.connection, this.dataset, id, report, record);
  }

  /** A failure never replaces rows an earlier export wrote for the same bytes. */
  async addFailure(id: string, record: ManifestRecord): Promise<void> {
    if (this.known.get(id)?.status !== 'ok')
      await writeCapturePartitions(this.connection, this.dataset, id, undefined, record);
  }

  close(): void {
    this.connection.closeSync();
  }
}

/** One `<capture_id>.ndjson` _bulk body per capture, and the index template they match. */
class NdjsonStore implements Store {
  private constructor(private readonly folder: string) {}

  static async open(folder: string): Promise<NdjsonStore> {
    await writeNew(join(folder, INDEX_TEMPLATE_FILE), `${JSON.stringify(indexTemplate(), null, 2)}\n`);
    return new NdjsonStore(folder);
  }

  holds(id: string): boolean {
    return existsSync(this.file(id));
  }

  /** One _bulk file per capture, replaced whole: two exports writing it write the same bytes. */
  claim(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async release(): Promise<void> {}

  add(id: string, report: Report): Promise<void> {
    return writeNew(this.file(id), ecsBulkBody(report, id));
  }

  /** The failure is in the export's summary; a _bulk file has nowhere to keep it. */
  async addFailure(): Promise<void> {}

  close(): void {}

  private file(id: string): string {
    return join(this.folder, `${id}.ndjson`);
  }
}

/** Writes beside the target and renames over it: readers see the old file or the new one, never half. */
async function writeNew(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}
