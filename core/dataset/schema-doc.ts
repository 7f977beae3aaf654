import { ECS_VERSION, ecsFields, indexName } from './ecs.js';
import { MANIFEST_TABLE } from './manifest.js';
import {
  DATASET_SCHEMA_VERSION,
  DUCKDB_TYPE,
  PARTITION_COLUMN,
  SEARCH_TYPE,
  type ColumnType,
  type TableDefinition,
} from './schema.js';
import { REPORT_TABLES } from './tables.js';
import { DATA_FILE } from './partition.js';
import { appendTo } from '../util/collections.js';

/**
 * docs/dataset.md, written from the table definitions (npm run gen-dataset-docs; a test checks it is current):
 * every column's type, unit and meaning, and the external-table statements for Athena and Trino.
 */

const PARQUET_TYPE: Record<ColumnType, string> = {
  string: 'BYTE_ARRAY (STRING)',
  ip: 'BYTE_ARRAY (STRING)',
  int: 'INT64',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'INT64 (TIMESTAMP, µs, UTC)',
  'string[]': 'LIST of BYTE_ARRAY (STRING)',
  'int[]': 'LIST of INT64',
};

/** Hive/Athena DDL types (Spark infers the same from the files). */
const HIVE_TYPE: Record<ColumnType, string> = {
  string: 'string',
  ip: 'string',
  int: 'bigint',
  float: 'double',
  bool: 'boolean',
  timestamp: 'timestamp',
  'string[]': 'array<string>',
  'int[]': 'array<bigint>',
};

/** Trino's Hive connector types. */
const TRINO_TYPE: Record<ColumnType, string> = {
  string: 'varchar',
  ip: 'varchar',
  int: 'bigint',
  float: 'double',
  bool: 'boolean',
  timestamp: 'timestamp(3)',
  'string[]': 'array(varchar)',
  'int[]': 'array(bigint)',
};

export const ALL_TABLES = [...REPORT_TABLES, MANIFEST_TABLE] as readonly TableDefinition<never, unknown>[];

/** CREATE EXTERNAL TABLE for Athena (Hive DDL) over the table's partitions under `location`. */
export function athenaDdl(table: TableDefinition<never, unknown>, location: string): string {
  const columns = table.columns.map((c) => `  ${c.name} ${HIVE_TYPE[c.type]}`).join(',\n');
  return `CREATE EXTERNAL TABLE ${table.name} (\n${columns}\n)\nPARTITIONED BY (${PARTITION_COLUMN} string)\nSTORED AS PARQUET\nLOCATION '${location}/${table.name}/';\nMSCK REPAIR TABLE ${table.name};`;
}

/** CREATE TABLE for Trino's Hive connector over the table's partitions under `location`, then the partitions found. */
export function trinoDdl(table: TableDefinition<never, unknown>, location: string): string {
  const columns = [
    ...table.columns.map((c) => `  ${c.name} ${TRINO_TYPE[c.type]}`),
    `  ${PARTITION_COLUMN} varchar`,
  ].join(',\n');
  return `CREATE TABLE hive.teamshark.${table.name} (\n${columns}\n) WITH (external_location = '${location}/${table.name}', format = 'PARQUET', partitioned_by = ARRAY['${PARTITION_COLUMN}']);\nCALL hive.system.sync_partition_metadata('teamshark', '${table.name}', 'ADD');`;
}

const escapeCell = (text: string) => text.replaceAll('|', '\\|');

export function renderSchemaDoc(): string {
  const ecs = new Map<string, string>();
  const out: string[] = [
    '# Teamshark dataset schema',
    '',
    '<!-- Generated from core/dataset/tables.ts and manifest.ts by `npm run gen-dataset-docs`: edit the definitions, not this file. -->',
    '',
    `Dataset schema version **${DATASET_SCHEMA_VERSION}** (semver: the major changes when a column is renamed, retyped or removed;`,
    'an export refuses to add to a dataset of another major version). Every manifest record carries the version that wrote it.',
    '',
    '## Layout',
    '',
    '```',
    `DATASET/<table>/${PARTITION_COLUMN}=<sha256 of the capture file>/${DATA_FILE}`,
    '```',
    '',
    `Apache Parquet, Hive-partitioned: \`${PARTITION_COLUMN}\` (64 hex digits, the SHA-256 of the capture's bytes) is the`,
    'folder name, not a column inside the files; every engine adds it as a column when it reads the folder. Rows are per',
    'stream, per handshake, per finding — never per packet: packets stay in the capture, which `first_frame`, `frames` and',
    '`filter` point into. Times called `*_sec` are seconds since the capture’s first packet (Wireshark’s default time',
    'column); `*_time` are absolute (UTC). `_staging/` holds exports in progress (engines skip names starting with `_`).',
    '',
    'A capture’s rows count once its `manifest` record exists and says `ok`: the manifest is written last. `teamshark query`',
    'applies that rule; with other engines, join on `manifest` where a dataset is being written while you read it.',
    '',
    '## Types',
    '',
    '| Column type | DuckDB | Parquet | Athena/Hive, Spark | Trino | OpenSearch |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  const types = Object.keys(DUCKDB_TYPE) as ColumnType[];
  for (const type of types) {
    out.push(
      `| ${escapeCell(type)} | ${DUCKDB_TYPE[type]} | ${PARQUET_TYPE[type]} | ${HIVE_TYPE[type]} | ${TRINO_TYPE[type]} | ${SEARCH_TYPE[type]} |`,
    );
  }
  out.push('', '`ip` is text in Parquet (an IPv4 or IPv6 address) and the `ip` type in OpenSearch.', '');
  for (const table of ALL_TABLES) {
    out.push(
      `## ${table.name}`,
      '',
      `${table.description} One row per ${table.grain}.`,
      '',
      '| Column | Type | Unit | Meaning |',
      '| --- | --- | --- | --- |',
    );
    for (const column of table.columns) {
      out.push(
        `| \`${column.name}\` | ${escapeCell(column.type)} | ${column.unit ?? ''} | ${escapeCell(column.description)} |`,
      );
      if (['flows', 'findings', 'media_streams'].includes(table.name))
        ecs.set(`${table.name}.${column.name}`, column.ecs ?? `teamshark.${table.name}.${column.name}`);
    }
    out.push(`| \`${PARTITION_COLUMN}\` | string | | The capture (from the folder name) |`, '');
  }
  out.push(
    '## Elastic Common Schema (`--format ecs-ndjson`)',
    '',
    `flows, findings and media_streams rows become documents of the indices ${['flows', 'findings', 'media_streams'].map((t) => `\`${indexName(t)}\``).join(', ')} (ECS ${ECS_VERSION}).`,
    'A column goes to its ECS field where ECS has one, else to `teamshark.<table>.<column>`; `@timestamp` is the flow’s start',
    '(the capture’s start for findings and media); empty lists and nulls are left out. The index template',
    '(`index-template.json`) maps every field with `dynamic: strict`:',
    '',
    '| Field | OpenSearch type | From |',
    '| --- | --- | --- |',
  );
  const from = new Map<string, string[]>();
  for (const [column, field] of ecs) appendTo(from, field, [column]);
  for (const [field, type] of ecsFields())
    out.push(`| \`${field}\` | ${type} | ${(from.get(field) ?? ['every document']).join(', ')} |`);
  out.push('', '## External tables', '', 'Athena (Hive DDL), for each table; replace the location:', '');
  for (const table of ALL_TABLES) out.push('```sql', athenaDdl(table, 's3://BUCKET/teamshark'), '```', '');
  out.push('Trino (Hive connector, a schema `teamshark` in catalog `hive`):', '');
  for (const table of ALL_TABLES) out.push('```sql', trinoDdl(table, 's3a://BUCKET/teamshark'), '```', '');
  return `${out.join('\n').trimEnd()}\n`;
}
