import type { DuckDBConnection } from '@duckdb/node-api';
import { queryError } from './duckdb.js';
import { NAMED_QUESTIONS } from './questions.js';
import { openDataset } from './views.js';
import { count } from '../util/plural.js';
import { TeamsharkError } from '../util/errors.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface QueryResult {
  columns: string[];
  rows: Record<string, Json>[];
}

export interface QueryOptions {
  /**
   * Let the SQL write (COPY … TO, CREATE …) and read files outside the dataset. Without it only queries run
   * (SELECT, WITH, EXPLAIN…) and DuckDB reads nothing but the dataset's folder.
   */
  allowWrite?: boolean;
}

/** Runs SQL, or a named question, over the dataset's views. */
export async function queryDataset(
  dataset: string,
  sqlOrName: string,
  options: QueryOptions = {},
): Promise<QueryResult> {
  const sql = questionSql(sqlOrName);
  const connection = await openDataset(dataset, { confined: !options.allowWrite });
  try {
    if (!options.allowWrite) await refuseWrites(connection, sql);
    return await run(connection, sql);
  } finally {
    connection.closeSync();
  }
}

/** A named question's SQL; SQL as it is. One word that names no question is a slip, not SQL. */
function questionSql(sqlOrName: string): string {
  const question = NAMED_QUESTIONS.find((q) => q.name === sqlOrName);
  if (question) return question.sql;
  const text = sqlOrName.trim();
  if (/\s/.test(text) || !text) return sqlOrName;
  const nearest = NAMED_QUESTIONS.map((q) => ({ name: q.name, distance: editDistance(text, q.name) })).sort(
    (a, b) => a.distance - b.distance,
  )[0]!;
  const hint =
    nearest.distance <= Math.max(2, nearest.name.length / 3)
      ? `did you mean ${nearest.name}?`
      : 'teamshark query --list shows them';
  throw new TeamsharkError('question-not-found', `no question named "${text}"; ${hint}`);
}

/** Levenshtein distance: insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** What a query may be without --allow-write: it reads, it writes nothing. */
const READING_STATEMENTS = new Set(['SELECT', 'EXPLAIN', 'PRAGMA']);

async function refuseWrites(connection: DuckDBConnection, sql: string): Promise<void> {
  const { StatementType } = await import('@duckdb/node-api');
  let statements;
  try {
    statements = await connection.extractStatements(sql);
  } catch (error) {
    throw queryError(error);
  }
  for (let i = 0; i < statements.count; i++) {
    let type;
    try {
      type = StatementType[(await statements.prepare(i)).statementType];
    } catch (error) {
      throw queryError(error);
    }
    if (!READING_STATEMENTS.has(type))
      throw new TeamsharkError(
        'query-refused',
        `query refused: a ${type} statement changes files or settings; queries only read (--allow-write lets it run)`,
      );
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
