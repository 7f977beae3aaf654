import type { DuckDBConnection } from '@duckdb/node-api';
import { queryError } from './duckdb.js';
import { NAMED_QUESTIONS } from './questions.js';
import { openDataset } from './views.js';
import { count } from '../util/plural.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface QueryResult {
  columns: string[];
  rows: Record<string, Json>[];
}

/** Runs SQL, or a named question, over the dataset's views. */
export async function queryDataset(dataset: string, sqlOrName: string): Promise<QueryResult> {
  const connection = await openDataset(dataset);
  try {
    return await run(connection, NAMED_QUESTIONS.find((q) => q.name === sqlOrName)?.sql ?? sqlOrName);
  } finally {
    connection.closeSync();
  }
}

async function run(connection: DuckDBConnection, sql: string): Promise<QueryResult> {
  try {
    const reader = await connection.runAndReadAll(sql);
    const columns = reader.columnNames();
    const integral = new Set(columns.filter((_, i) => INTEGER_TYPE.test(String(reader.columnTypes()[i]))));
    const rows = (reader.getRowObjectsJson() as Record<string, Json>[]).map((row) => {
      for (const column of integral) row[column] = asNumbers(row[column] ?? null);
      return row;
    });
    return { columns, rows };
  } catch (error) {
    throw queryError(error);
  }
}

/** DuckDB's 64-bit integers arrive in JSON as text (they may not fit a double): counts and sizes that fit are numbers. */
const INTEGER_TYPE = /^U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)(\[\])?$/;

function asNumbers(value: Json): Json {
  if (Array.isArray(value)) return value.map(asNumbers);
  return typeof value === 'string' && Number.isSafeInteger(Number(value)) ? Number(value) : value;
}

/** The result as a Markdown table: lists joined with commas, nulls empty. */
export function renderTable({ columns, rows }: QueryResult): string {
  const cell = (value: Json): string => {
    if (value === null) return '';
    const text = Array.isArray(value)
      ? value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(', ')
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
    return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll('\n', ' ');
  };
  const lines = [`| ${columns.map((c) => cell(c)).join(' | ')} |`, `|${columns.map(() => ' --- |').join('')}`];
  for (const row of rows) lines.push(`| ${columns.map((c) => cell(row[c] ?? null)).join(' | ')} |`);
  return `${lines.join('\n')}\n(${count(rows.length, 'row')})\n`;
}

/** `--list`: each named question, its name and what it asks. */
export function renderQuestionList(): string {
  return NAMED_QUESTIONS.map((q) => `${q.name.padEnd(20)} ${q.question}\n`).join('');
}
