/**
 * The shape of a dataset table, and how each column type is written: as a DuckDB/Parquet type, and as an
 * OpenSearch/Elasticsearch field type. One definition per table (core/dataset/tables.ts) gives the Parquet
 * files, their documentation (docs/dataset.md) and the ECS index template.
 */

/** Bumped on any change to a table definition: major when a column is renamed, retyped or removed. */
export const DATASET_SCHEMA_VERSION = '2.0.0';

/** Hive partition column: the directory `capture_id=<sha256 of the capture file's bytes>`, not a column in the files. */
export const PARTITION_COLUMN = 'capture_id';

export type ColumnType = 'string' | 'ip' | 'int' | 'float' | 'bool' | 'timestamp' | 'string[]' | 'int[]';

export interface Column<Row> {
  name: string;
  type: ColumnType;
  /** The unit of a number (s, bytes, packets, kbit/s, ms, Hz…). */
  unit?: string;
  description: string;
  /** The Elastic Common Schema field it goes to in --format ecs-ndjson (default: teamshark.<table>.<name>). */
  ecs?: string;
  /** Free text, searched by its words (ECS maps `message` so): `text` in the index template instead of `keyword`. */
  text?: boolean;
  /** Every value it can take, from the report schema's own enum (the documentation lists them). */
  values?: readonly string[];
  value: (row: Row) => unknown;
}

export interface TableDefinition<Input, Row> {
  name: string;
  description: string;
  /** One row per …: what a row is. */
  grain: string;
  rows: (input: Input) => Row[];
  columns: Column<Row>[];
  /** Fields only its ECS documents carry: ECS spells them differently from the column they derive from. */
  ecsFields?: Column<Row>[];
}

/** What each column type is in DuckDB (and so in the Parquet file DuckDB writes). */
export const DUCKDB_TYPE: Record<ColumnType, string> = {
  string: 'VARCHAR',
  ip: 'VARCHAR',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
  'string[]': 'VARCHAR[]',
  'int[]': 'BIGINT[]',
};

/** What each column type is in an OpenSearch/Elasticsearch mapping (a list is the same type, repeated). */
export const SEARCH_TYPE: Record<ColumnType, string> = {
  string: 'keyword',
  ip: 'ip',
  int: 'long',
  float: 'double',
  bool: 'boolean',
  timestamp: 'date',
  'string[]': 'keyword',
  'int[]': 'long',
};

/** Seconds since the capture's first packet as an absolute time (ISO 8601, UTC), when the capture has a start. */
export function absoluteTime(start: string | undefined, seconds: number | undefined): string | null {
  if (start === undefined || seconds === undefined) return null;
  return new Date(Date.parse(start) + Math.round(seconds * 1000)).toISOString();
}
