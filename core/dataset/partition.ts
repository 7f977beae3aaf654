import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Report } from '../schema/generated/report.js';
import { TeamsharkError } from '../util/errors.js';
import { sqlString } from './duckdb.js';
import { OWNER, STAGING, makeFolder } from './owners.js';
import { MANIFEST_TABLE, type ManifestRecord } from './manifest.js';
import { DUCKDB_TYPE, PARTITION_COLUMN, type TableDefinition } from './schema.js';
import { REPORT_TABLES } from './tables.js';

/** Each partition holds one file: small per capture, and what every engine's partition discovery expects. */
export const DATA_FILE = 'data.parquet';

/** The capture's identity: the SHA-256 of its bytes (hex), so a renamed or copied capture is the same capture. */
export async function captureId(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new TeamsharkError(
      code === 'ENOENT' ? 'capture-not-found' : 'capture-unreadable',
      `${path}: ${code === 'ENOENT' ? 'capture not found' : `cannot read the capture (${code ?? (error as Error).message})`}`,
    );
  }
  return hash.digest('hex');
}

export function partitionPath(dataset: string, table: string, id: string): string {
  return join(dataset, table, `${PARTITION_COLUMN}=${id}`);
}

/**
 * Writes one capture's rows: every table's partition (none for a failed analysis), then its manifest record.
 * Each is written under _staging/ and renamed into place, the manifest last: a reader never sees half a
 * file, and no file another export may be writing is touched.
 */
export async function writeCapturePartitions(
  connection: DuckDBConnection,
  dataset: string,
  id: string,
  report: Report | undefined,
  record: ManifestRecord,
): Promise<void> {
  const staging = join(dataset, STAGING, `${id}.${OWNER}.${randomUUID()}`);
  await makeFolder(staging);
  try {
    const written: { table: string; dir: string }[] = [];
    const write = async <Input, Row>(table: TableDefinition<Input, Row>, input: Input) => {
      written.push({ table: table.name, dir: await writeParquet(connection, staging, table, table.rows(input)) });
    };
    if (report) for (const table of REPORT_TABLES) await write(table, report);
    await write(MANIFEST_TABLE, record);
    for (const { table, dir } of written) await moveIntoPlace(dir, partitionPath(dataset, table, id), staging);
  } catch (error) {
    if (error instanceof TeamsharkError) throw error;
    throw new TeamsharkError(
      'write-failed',
      `${record.file}: cannot write its partition in ${dataset}: ${(error as Error).message.split('\n')[0]}`,
    );
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rmdir(join(dataset, STAGING)).catch(() => undefined); // only when empty: other exports may be staging
  }
}

/** Rows as the table's columns, through NDJSON typed by the definition, into one Parquet file. Returns its folder. */
async function writeParquet<Row>(
  connection: DuckDBConnection,
  staging: string,
  table: TableDefinition<never, Row>,
  rows: Row[],
): Promise<string> {
  const json = join(staging, `${table.name}.ndjson`);
  const lines = rows.map((row) =>
    JSON.stringify(Object.fromEntries(table.columns.map((column) => [column.name, column.value(row) ?? null]))),
  );
  await writeFile(json, lines.join('\n'));
  const dir = join(staging, table.name);
  await mkdir(dir);
  const columns = table.columns
    .map((column) => `${sqlString(column.name)}: ${sqlString(DUCKDB_TYPE[column.type])}`)
    .join(', ');
  await connection.run(
    `COPY (SELECT * FROM read_json(${sqlString(json)}, format = 'newline_delimited', columns = {${columns}})) TO ${sqlString(join(dir, DATA_FILE))} (FORMAT parquet)`,
  );
  await rm(json);
  return dir;
}

/**
 * Renames a staged partition into place. One already there (an earlier export of the same bytes, with --force,
 * or another export racing this one) is set aside into staging first, and deleted with it.
 */
async function moveIntoPlace(from: string, to: string, staging: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt > 3) throw error;
      await rename(to, join(staging, `replaced-${attempt}-${randomUUID()}`)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
  }
}

/** The capture's size, for its manifest record. */
export async function fileBytes(path: string): Promise<number> {
  return (await stat(path).catch(() => undefined))?.size ?? 0;
}
