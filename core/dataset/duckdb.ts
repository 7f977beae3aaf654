import type { DuckDBConnection } from '@duckdb/node-api';
import { TeamsharkError } from '../util/errors.js';

/**
 * An in-memory DuckDB: the engine that writes the Parquet files and answers queries. Imported on first use,
 * so `teamshark analyze` never loads its native library.
 */
export async function openDuckDb(): Promise<DuckDBConnection> {
  let duckdb;
  try {
    duckdb = await import('@duckdb/node-api');
  } catch (error) {
    throw new TeamsharkError(
      'duckdb-missing',
      `cannot load DuckDB (@duckdb/node-api) for this platform: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  const instance = await duckdb.DuckDBInstance.create(':memory:');
  return instance.connect();
}

/** A string as an SQL literal. */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** An identifier as SQL, quoted. */
export function sqlName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** DuckDB's error as one line, in the user's terms. */
export function queryError(error: unknown): TeamsharkError {
  return new TeamsharkError(
    'query-failed',
    `query failed: ${String((error as Error)?.message ?? error).split('\n')[0]}`,
  );
}
