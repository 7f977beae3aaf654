import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { TeamsharkError } from '../util/errors.js';
import { openDuckDb, sqlName, sqlString } from './duckdb.js';
import { MANIFEST_TABLE } from './manifest.js';
import { DATA_FILE } from './partition.js';
import { DUCKDB_TYPE, PARTITION_COLUMN, type ColumnType } from './schema.js';
import { REPORT_TABLES } from './tables.js';

/** Every table name of the dataset, manifest included. */
export const TABLE_NAMES = [...REPORT_TABLES.map((t) => t.name), MANIFEST_TABLE.name];

/** The table's files read as one, capture_id from the folder names (always text, never guessed as a number). */
function readTable(dataset: string, table: string): string {
  const files = join(dataset, table, `${PARTITION_COLUMN}=*`, DATA_FILE);
  return `read_parquet(${sqlString(files)}, hive_partitioning = true, hive_types = {${sqlString(PARTITION_COLUMN)}: 'VARCHAR'}, union_by_name = true)`;
}

async function hasPartitions(dataset: string, table: string): Promise<boolean> {
  const entries = await readdir(join(dataset, table)).catch(() => []);
  return entries.some(
    (name) => name.startsWith(`${PARTITION_COLUMN}=`) && existsSync(join(dataset, table, name, DATA_FILE)),
  );
}

/**
 * DuckDB with one view per table of the dataset. A table's rows show once their capture's manifest record says
 * ok: a capture another export is still moving into place is not half counted.
 */
export async function openDataset(dataset: string, { confined = false } = {}): Promise<DuckDBConnection> {
  if (!(await stat(dataset).catch(() => undefined))?.isDirectory())
    throw new TeamsharkError('dataset-not-found', `${dataset}: no such dataset folder`);
  if (!(await hasPartitions(dataset, MANIFEST_TABLE.name)))
    throw new TeamsharkError(
      'not-a-dataset',
      `${dataset}: not a Teamshark dataset (no manifest/ partitions): write one with teamshark export`,
    );
  const connection = await openDuckDb();
  await connection.run(`CREATE VIEW manifest AS SELECT * FROM ${readTable(dataset, MANIFEST_TABLE.name)}`);
  const committed = `${PARTITION_COLUMN} IN (SELECT ${PARTITION_COLUMN} FROM manifest WHERE status = 'ok')`;
  for (const table of REPORT_TABLES) {
    const source = (await hasPartitions(dataset, table.name))
      ? `SELECT * FROM ${readTable(dataset, table.name)} WHERE ${committed}`
      : emptyTable(table.columns);
    await connection.run(`CREATE VIEW ${sqlName(table.name)} AS ${source}`);
  }
  if (confined) {
    // DuckDB reads only the dataset's folder from now on, and the SQL cannot set that back.
    await connection.run(`SET allowed_directories = [${sqlString(`${resolve(dataset)}${sep}`)}]`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
  }
  return connection;
}

/** A table no capture has written yet: its columns, no rows, so queries over it still run. */
function emptyTable(columns: readonly { name: string; type: ColumnType }[]): string {
  return `SELECT ${columns.map((c) => `NULL::${DUCKDB_TYPE[c.type]} AS ${sqlName(c.name)}`).join(', ')}, NULL::VARCHAR AS ${PARTITION_COLUMN} WHERE false`;
}

export interface KnownCapture {
  status: 'ok' | 'failed';
  datasetSchemaVersion: string;
}

/** The captures the dataset's manifest lists, by capture_id. */
export async function readManifest(connection: DuckDBConnection, dataset: string): Promise<Map<string, KnownCapture>> {
  const known = new Map<string, KnownCapture>();
  if (!(await hasPartitions(dataset, MANIFEST_TABLE.name))) return known;
  const reader = await connection.runAndReadAll(
    `SELECT ${PARTITION_COLUMN} AS id, status, dataset_schema_version AS v FROM ${readTable(dataset, MANIFEST_TABLE.name)}`,
  );
  for (const row of reader.getRowObjectsJson())
    known.set(textCell(row.id), {
      status: row.status as KnownCapture['status'],
      datasetSchemaVersion: textCell(row.v),
    });
  return known;
}

/** A VARCHAR cell as a string; NULL reads as 'null', which matches no capture id or schema version. */
function textCell(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value ?? null);
}
