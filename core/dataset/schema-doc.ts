import { ECS_EVENTS, ECS_VERSION, ecsColumns, ecsFields, indexName } from './ecs.js';
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

/** A name in Hive DDL, quoted: Athena's DDL reserves words such as `time` and `date` as column names. */
const hiveName = (name: string) => `\`${name.replaceAll('`', '``')}\``;

/** A name in Trino SQL, quoted. */
const trinoName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * CREATE EXTERNAL TABLE for Athena (Hive DDL) over the table's partitions under `location`, then the partitions
 * found: two statements, run one at a time (Athena runs one statement per query).
 */
export function athenaDdl(table: TableDefinition<never, unknown>, location: string): string[] {
  const columns = table.columns.map((c) => `  ${hiveName(c.name)} ${HIVE_TYPE[c.type]}`).join(',\n');
  return [
    `CREATE EXTERNAL TABLE ${hiveName(table.name)} (\n${columns}\n)\nPARTITIONED BY (${hiveName(PARTITION_COLUMN)} string)\nSTORED AS PARQUET\nLOCATION '${location}/${table.name}/'`,
    `MSCK REPAIR TABLE ${hiveName(table.name)}`,
  ];
}

/** CREATE TABLE for Trino's Hive connector over the table's partitions under `location`, then the partitions found. */
export function trinoDdl(table: TableDefinition<never, unknown>, location: string): string[] {
  const columns = [
    ...table.columns.map((c) => `  ${trinoName(c.name)} ${TRINO_TYPE[c.type]}`),
    `  ${trinoName(PARTITION_COLUMN)} varchar`,
  ].join(',\n');
  return [
    `CREATE TABLE hive.teamshark.${trinoName(table.name)} (\n${columns}\n) WITH (external_location = '${location}/${table.name}', format = 'PARQUET', partitioned_by = ARRAY['${PARTITION_COLUMN}'])`,
    `CALL hive.system.sync_partition_metadata('teamshark', '${table.name}', 'ADD')`,
  ];
}

/** A column's meaning in the documentation, with every value it takes when it is an enum. */
function meaning(column: { description: string; values?: readonly string[] }): string {
  if (!column.values) return column.description;
  return `${column.description}: ${column.values.map((v) => `\`${v}\``).join(', ')}`;
}

const escapeCell = (text: string) => text.replaceAll('|', '\\|');

/** The ECS tables' names, as the documentation lists them. */
const ECS_TABLE_NAMES = Object.keys(ECS_EVENTS);

export function renderSchemaDoc(): string {
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
        `| \`${column.name}\` | ${escapeCell(column.type)} | ${column.unit ?? ''} | ${escapeCell(meaning(column))} |`,
      );
    }

    out.push(`| \`${PARTITION_COLUMN}\` | string | | The capture (from the folder name) |`, '');
  }
  out.push(
    '## Elastic Common Schema (`--format ecs-ndjson`)',
    '',
    `${ECS_TABLE_NAMES.join(', ')} rows become documents of the indices ${ECS_TABLE_NAMES.map((t) => `\`${indexName(t)}\``).join(', ')} (ECS ${ECS_VERSION}).`,
    'A column goes to its ECS field where ECS has one, else to `teamshark.<table>.<column>`; a few fields only the',
    'documents carry, where ECS spells a value differently (`tls.version` is `1.2` where the column says `TLS 1.2`).',
    '`@timestamp` is the `event.start` of the row: a flow’s first packet, the start of the flow carrying a handshake or',
    'a stream, a finding’s first frame (the capture’s start when a row has none). `event.category`/`event.type`:',
    `${ECS_TABLE_NAMES.map((t) => `${t} ${ECS_EVENTS[t]!.category.join(', ')}/${ECS_EVENTS[t]!.type.join(', ')}`).join('; ')}.`,
    '`network.community_id` is the Community ID v1 (seed 0) of the flow, so the documents join with Zeek, Suricata',
    'and Arkime. A relay’s pseudo-TLS (MS-TURN over TCP 443) has `network.protocol` stun and no `tls.*` field. Empty',
    'lists and nulls are left out. The index template (`index-template.json`) maps every field with `dynamic: strict`:',
    '',
    '| Field | OpenSearch type | From |',
    '| --- | --- | --- |',
  );
  const from = new Map<string, string[]>();
  for (const table of REPORT_TABLES.filter((t) => ECS_TABLE_NAMES.includes(t.name)))
    for (const column of ecsColumns(table))
      appendTo(from, column.ecs ?? `teamshark.${table.name}.${column.name}`, [
        table.columns.includes(column) ? `${table.name}.${column.name}` : `${table.name}: ${column.description}`,
      ]);
  for (const [field, type] of ecsFields())
    out.push(`| \`${field}\` | ${type} | ${(from.get(field) ?? ['every document']).join(', ')} |`);
  out.push(
    '',
    '## External tables',
    '',
    'Athena (Hive DDL), for each table; replace the location, and run each statement as a query of its own:',
    '',
  );
  for (const table of ALL_TABLES)
    for (const statement of athenaDdl(table, 's3://BUCKET/teamshark')) out.push('```sql', statement, '```', '');
  out.push('Trino (Hive connector, a schema `teamshark` in catalog `hive`):', '');
  for (const table of ALL_TABLES)
    for (const statement of trinoDdl(table, 's3a://BUCKET/teamshark')) out.push('```sql', `${statement};`, '```', '');
  return `${out.join('\n').trimEnd()}\n`;
}
