import type { Report } from '../../core/schema/generated/report.js';
import { escapeHtml } from '../../core/report/html.js';
import { plainText } from '../../core/report/escape.js';
import type { SectionId } from '../../core/report/sections.js';
import { headerOf, tableCell, type Cell as TableCell, type TableDefinition } from '../../core/report/tables/table.js';

/** Text from a capture (or anything else) made safe for HTML: control characters gone, markup escaped. */
export function esc(text: string | number): string {
  return escapeHtml(plainText(String(text)));
}

/** One table cell: its text, and optionally a tooltip, ready HTML instead of the text, and a sort value. */
export interface Cell extends TableCell {
  /** Already-escaped HTML shown instead of `text` (which stays the filter and sort text). */
  html?: string;
}

export interface Column<Row> {
  title: string;
  cell: (row: Row) => Cell | string | number;
  /** num: right-aligned, sorted as numbers; clip: long text cut to one line, whole on click and in the tooltip. */
  kind?: 'num' | 'clip' | 'code';
}

export interface TableSpec<Row> {
  /** data-table name, e.g. tls-servers (tests and the view's script find tables by it). */
  id: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  /** Outline ids a row stands for (space-separated in data-keys): the tree and lenses reveal rows by them. */
  keys?: (row: Row) => string[];
  /** Capture time a row covers, for the chart's brush. */
  time?: (row: Row) => [number, number];
  /** A filter box above the table (the big ones). */
  filter?: boolean;
  /** Rows shown before "Show all"; the others are in the page, hidden, and revealable. */
  shown?: number;
}

const SHOWN = 40;

function cellOf<Row>(column: Column<Row>, row: Row): Cell {
  const value = column.cell(row);
  return typeof value === 'object'
    ? value
    : { text: String(value), sort: typeof value === 'number' ? value : undefined };
}

/** A sub-heading of a section; its data-keys are the outline group it stands for (`dns/Names looked up`). */
export function subsection(section: SectionId, title: string, html: string, note = '', keys: string[] = []): string {
  return `<h3 data-keys="${esc([`${section}/${title}`, ...keys].join(' '))}">${esc(title)}${note ? ` <span class="muted">${esc(note)}</span>` : ''}</h3>\n${html}`;
}

/** A report table in the view, under its heading; nothing when it is empty and not shown empty. */
export function viewTable<Row>(definition: TableDefinition<Row>, report: Report): string {
  const rows = definition.rows(report);
  if (!rows.length && !definition.shownEmpty) return '';
  const html = htmlTable({
    id: definition.id,
    rows,
    keys:
      definition.item || definition.landing
        ? (row) => [...(definition.item ? [definition.item(row)] : []), ...(definition.landing?.(row) ?? [])]
        : undefined,
    time: definition.time,
    filter: definition.view?.filter,
    columns: definition.columns
      .filter((column) => column.view !== false)
      .map((column) => ({
        title: headerOf(column),
        kind: column.kind,
        cell: (row: Row) => {
          const cell = tableCell(column, row, (n) => n.toLocaleString('en'));
          const html = column.view
            ? column.view(row)
            : column.kind === 'code'
              ? `<code>${esc(cell.text)}</code>`
              : undefined;
          return { ...cell, html };
        },
      })),
  });
  return subsection(definition.section, definition.title, html, definition.view?.note?.(report), definition.view?.keys);
}

/**
 * A table that fits the view: it scrolls inside its own box (first column sticky), sorts by any column and,
 * when asked, filters by a text box. Every row is in the page so the tree can reveal any of them.
 */
export function htmlTable<Row>(spec: TableSpec<Row>): string {
  if (spec.rows.length === 0) return '<p class="none">None.</p>';
  const shown = spec.shown ?? SHOWN;
  const head = spec.columns
    .map(
      (c, i) =>
        `<th scope="col" class="${c.kind ?? ''}" data-column="${i}" title="Sort by ${esc(c.title)}">${esc(c.title)}</th>`,
    )
    .join('');
  const body = spec.rows
    .map((row, index) => {
      const cells = spec.columns
        .map((column) => {
          const cell = cellOf(column, row);
          const sort = cell.sort !== undefined ? ` data-sort="${esc(cell.sort)}"` : '';
          const title = cell.title ?? (column.kind === 'clip' ? cell.text : undefined);
          return `<td class="${column.kind ?? ''}"${sort}${title ? ` title="${esc(title)}"` : ''}>${cell.html ?? esc(cell.text)}</td>`;
        })
        .join('');
      const keys = spec.keys ? ` data-keys="${esc(spec.keys(row).join(' '))}"` : '';
      const time = spec.time ? ` data-start="${spec.time(row)[0]}" data-end="${spec.time(row)[1]}"` : '';
      return `<tr${keys}${time}${index >= shown ? ' hidden data-overflow' : ''}>${cells}</tr>`;
    })
    .join('\n');
  const filter = spec.filter
    ? `<input type="search" class="table-filter" placeholder="Filter ${spec.rows.length} rows" aria-label="Filter the table">`
    : '';
  const more =
    spec.rows.length > shown ? `<button type="button" class="show-all">Show all ${spec.rows.length} rows</button>` : '';
  return `<div class="table-block" data-for="${esc(spec.id)}">${filter}<div class="table-scroll"><table data-table="${esc(spec.id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}</div>`;
}

/** A list of frame numbers cut to the first few, with the rest behind "show all". */
export function framesHtml(frames: readonly number[], first = 8): string {
  if (frames.length <= first) return esc(frames.join(', '));
  return `<span class="truncated">${esc(frames.slice(0, first).join(', '))}<span class="rest" hidden>, ${esc(frames.slice(first).join(', '))}</span> <button type="button" class="show-rest">show all ${frames.length}</button></span>`;
}
