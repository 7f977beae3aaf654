import type { Report } from '../schema/generated/report.js';
import { markdownCode, markdownText } from './escape.js';
import { headerOf, tableCell, type Column, type TableDefinition } from './tables/table.js';

/** Rows a capped table shows in Markdown; the JSON report always has everything. */
const TABLE_ROWS = 40;

/** A report table in Markdown: its heading, then the table; nothing when it is empty and not shown empty. */
export function markdownTable<Row>(definition: TableDefinition<Row>, report: Report): string[] {
  const { markdown = {} } = definition;
  const rows = (markdown.rows ?? definition.rows)(report);
  if (!rows.length && !definition.shownEmpty) return [];
  const columns = definition.columns.filter((c) => c.markdown !== false);
  const shown = markdown.capped ? rows.slice(0, TABLE_ROWS) : rows;
  const heading = markdown.heading === false ? [] : [`### ${markdown.heading?.(report) ?? definition.title}`, ''];
  return [
    ...heading,
    table(
      columns.map(headerOf),
      shown.map((row) => columns.map((column) => markdownCell(column, row))),
      markdown.total?.(report) ?? rows.length,
      markdown.more?.(report),
    ),
  ];
}

function markdownCell<Row>(column: Column<Row>, row: Row): string {
  if (column.markdown) return column.markdown(row);
  const { text } = tableCell(column, row, String);
  return column.kind === 'code' || column.kind === 'filter' ? markdownCode(text, true) : markdownText(text);
}

/** A GFM table; when rows were cut, a line says how many the JSON report has. */
export function table(
  header: string[],
  rows: string[][],
  total = rows.length,
  more = 'the JSON report (`--format json`) has all',
): string {
  if (rows.length === 0) return 'None.\n';
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  if (total > rows.length) lines.push('', `*${rows.length} of ${total} shown; ${more}.*`);
  return `${lines.join('\n')}\n`;
}
