import type { Report } from '../schema/generated/report.js';
import { TOOL_VERSION } from '../util/version.js';
import { DATASET_SCHEMA_VERSION, SEARCH_TYPE, type Column, type TableDefinition } from './schema.js';
import { REPORT_TABLES } from './tables.js';

/**
 * Elastic Common Schema documents for OpenSearch/Elasticsearch (beside Arkime or Malcolm): the flows,
 * tls_handshakes, media_streams and findings tables, each column under its ECS name where ECS has one, else
 * under teamshark.<table>. The index template comes from the same column definitions, so the documents always
 * match it.
 */

/** The ECS version whose field names the documents use. */
export const ECS_VERSION = '8.11.0';

/**
 * The tables that become documents, with their ECS event categorization (ECS "Event categorization fields":
 * event.category and event.type take values from ECS's own lists).
 */
export const ECS_EVENTS: Record<string, { category: string[]; type: string[] }> = {
  flows: { category: ['network'], type: ['connection'] },
  tls_handshakes: { category: ['network'], type: ['protocol'] },
  media_streams: { category: ['network'], type: ['protocol'] },
  findings: { category: ['network'], type: ['info'] },
};

/** Index-wide fields every document carries, with their search types. */
const COMMON_FIELDS: Record<string, string> = {
  '@timestamp': 'date',
  'ecs.version': 'keyword',
  'event.kind': 'keyword',
  'event.category': 'keyword',
  'event.type': 'keyword',
  'event.module': 'keyword',
  'event.dataset': 'keyword',
  'teamshark.capture_id': 'keyword',
  'teamshark.capture_file': 'keyword',
  'teamshark.version': 'keyword',
};

function ecsTables(): TableDefinition<Report, unknown>[] {
  return Object.keys(ECS_EVENTS).map((name) => REPORT_TABLES.find((t) => t.name === name)!);
}

/** What a table's documents carry: its columns, then its ECS-only fields. */
export function ecsColumns(table: TableDefinition<Report, unknown>): Column<unknown>[] {
  return [...table.columns, ...(table.ecsFields ?? [])];
}

function fieldName(table: string, column: Column<unknown>): string {
  return column.ecs ?? `teamshark.${table}.${column.name}`;
}

export function indexName(table: string): string {
  return `teamshark-${table.replaceAll('_', '-')}`;
}

/** Every field of every document, with its search type; a field two tables name alike must agree on its type. */
export function ecsFields(): Map<string, string> {
  const fields = new Map(Object.entries(COMMON_FIELDS));
  for (const table of ecsTables()) {
    for (const column of ecsColumns(table)) {
      const field = fieldName(table.name, column);
      const type = column.text ? 'text' : SEARCH_TYPE[column.type];
      if (fields.has(field) && fields.get(field) !== type)
        throw new Error(`ECS field ${field} is ${fields.get(field)} and ${type}`);
      fields.set(field, type);
    }
  }
  return fields;
}

/** Sets a dotted field in a nested object: source.ip → { source: { ip } }. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.startsWith('@') ? [path] : path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts.at(-1)!] = value;
}

/** The composable index template (PUT _index_template/teamshark): strict mappings, so a stray field fails loudly. */
export function indexTemplate(): object {
  const properties: Record<string, unknown> = {};
  for (const [field, type] of ecsFields()) {
    const parts = field.startsWith('@') ? [field] : field.split('.');
    let node = properties;
    for (const part of parts.slice(0, -1)) {
      const object = (node[part] ??= { properties: {} }) as { properties: Record<string, unknown> };
      node = object.properties;
    }
    node[parts.at(-1)!] = { type };
  }
  return {
    index_patterns: ['teamshark-*'],
    priority: 200,
    template: { mappings: { dynamic: 'strict', properties } },
    _meta: {
      description: 'Teamshark flows, findings and media streams as ECS documents',
      dataset_schema_version: DATASET_SCHEMA_VERSION,
      ecs_version: ECS_VERSION,
    },
  };
}

/** The capture's documents as a _bulk body: an action line (index, with a stable _id so a reload replaces), then the document. */
export function ecsBulkBody(report: Report, captureId: string): string {
  const lines: string[] = [];
  for (const table of ecsTables()) {
    const columns = ecsColumns(table);
    const startColumn = columns.find((c) => c.ecs === 'event.start');
    table.rows(report).forEach((row, n) => {
      const document: Record<string, unknown> = {};
      const timestamp = (startColumn?.value(row) as string | null | undefined) ?? report.capture.start;
      if (timestamp) document['@timestamp'] = timestamp;
      setPath(document, 'ecs.version', ECS_VERSION);
      setPath(document, 'event.kind', 'event');
      setPath(document, 'event.category', ECS_EVENTS[table.name]!.category);
      setPath(document, 'event.type', ECS_EVENTS[table.name]!.type);
      setPath(document, 'event.module', 'teamshark');
      setPath(document, 'event.dataset', `teamshark.${table.name}`);
      setPath(document, 'teamshark.capture_id', captureId);
      setPath(document, 'teamshark.capture_file', report.capture.file);
      setPath(document, 'teamshark.version', TOOL_VERSION);
      for (const column of columns) {
        const value = column.value(row);
        if (value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0))
          setPath(document, fieldName(table.name, column), value);
      }
      lines.push(
        JSON.stringify({ index: { _index: indexName(table.name), _id: `${captureId}-${table.name}-${n}` } }),
        JSON.stringify(document),
      );
    });
  }
  return lines.map((line) => `${line}\n`).join('');
}
