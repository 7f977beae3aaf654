import type { Report } from '../../core/schema/generated/report.js';
import { escapeHtml } from '../../core/report/html.js';
import { plainText } from '../../core/report/escape.js';
import type { SectionId } from '../../core/report/sections.js';
import { headerOf, tableCell, type Column, type TableDefinition } from '../../core/report/tables/table.js';

/** Text from a capture (or anything else) made safe for HTML: control characters gone, markup escaped. */
export function esc(text: string | number): string {
  return escapeHtml(plainText(String(text)));
}

/** Rows shown before "Show all"; the others are in the page, hidden, and revealable. */
const SHOWN = 40;

/** A sub-heading of a section; its data-keys are the outline group it stands for (`dns/Names looked up`). */
function subsection(section: SectionId, title: string, html: string, note = '', keys: string[] = []): string {
  return `<h3 data-keys="${esc([`${section}/${title}`, ...keys].join(' '))}">${esc(title)}${note ? ` <span class="muted">${esc(note)}</span>` : ''}</h3>\n${html}`;
}

/** A report table in the view, under its heading; nothing when it is empty and not shown empty. */
export function viewTable<Row>(definition: TableDefinition<Row>, report: Report): string {
  const rows = definition.rows(report);
  if (!rows.length && !definition.shownEmpty) return '';
  const { section, title, view } = definition;
  return subsection(section, title, tableHtml(definition, rows), view?.note?.(report), view?.keys);
}

/**
 * A table that fits the view: it scrolls inside its own box (first column sticky), sorts by any column and,
 * when asked, filters by a text box. Every row is in the page so the tree can reveal any of them; its
 * data-keys are the outline items that land on it, its data-start and data-end the time the chart's brush
 * selects it by.
 */
function tableHtml<Row>(definition: TableDefinition<Row>, rows: readonly Row[]): string {
  if (rows.length === 0) return '<p class="none">None.</p>';
  const columns = definition.columns.filter((c) => c.view !== false);
  const head = columns
    .map((c, i) => {
      const header = esc(headerOf(c));
      return `<th scope="col" class="${c.kind ?? ''}" data-column="${i}" title="Sort by ${header}">${header}</th>`;
    })
    .join('');
  const { item, landing, time } = definition;
  const body = rows
    .map((row, index) => {
      const cells = columns.map((column) => cellHtml(column, row)).join('');
      const keys = item || landing ? [...(item ? [item(row)] : []), ...(landing?.(row) ?? [])] : undefined;
      const keysAttribute = keys ? ` data-keys="${esc(keys.join(' '))}"` : '';
      const timeAttributes = time ? ` data-start="${time(row)[0]}" data-end="${time(row)[1]}"` : '';
      return `<tr${keysAttribute}${timeAttributes}${index >= SHOWN ? ' hidden data-overflow' : ''}>${cells}</tr>`;
    })
    .join('\n');
  const filter = definition.view?.filter
    ? `<input type="search" class="table-filter" placeholder="Filter ${rows.length} rows" aria-label="Filter the table">`
    : '';
  const more =
    rows.length > SHOWN ? `<button type="button" class="show-all">Show all ${rows.length} rows</button>` : '';
  const id = esc(definition.id);
  return `<div class="table-block" data-for="${id}">${filter}<div class="table-scroll"><table data-table="${id}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>${more}</div>`;
}

/** A cell: numbers with thousands separators and sorted as numbers; clipped text whole in its tooltip. */
function cellHtml<Row>(column: Column<Row>, row: Row): string {
  const cell = tableCell(column, row, (n) => n.toLocaleString('en'));
  const html = column.view
    ? column.view(row)
    : column.kind === 'filter'
      ? filterHtml(cell.text)
      : column.kind === 'code'
        ? `<code>${esc(cell.text)}</code>`
        : esc(cell.text);
  const sort = cell.sort !== undefined ? ` data-sort="${esc(cell.sort)}"` : '';
  const title = cell.title ?? (column.kind === 'clip' ? cell.text : undefined);
  return `<td class="${column.kind ?? ''}"${sort}${title ? ` title="${esc(title)}"` : ''}>${html}</td>`;
}

/**
 * What a right-click on an element of the view offers: VS Code reads `data-vscode-context` (merged up the
 * ancestors) into context keys for the `webview/context` menu and passes it, with `webview` set to the view
 * type, to the command chosen. Cut/Copy/Paste make no sense on a frame or a filter.
 */
function vscodeContext(
  context: { webviewSection: 'frame'; frame: number } | { webviewSection: 'filter'; filter: string },
): string {
  return ` data-vscode-context="${esc(JSON.stringify({ ...context, preventDefaultContextMenuItems: true }))}"`;
}

/** A frame number: a click reveals it in the Captures tree, a right-click offers Wireshark and its filter. */
function frameHtml(frame: number): string {
  return `<button type="button" class="frame" data-frame="${frame}" title="Frame ${frame}: click to reveal it in the Captures tree; right-click for more"${vscodeContext({ webviewSection: 'frame', frame })}>${frame}</button>`;
}

/** A display filter: a click copies it, a right-click also opens the capture in Wireshark with it applied. */
export function filterHtml(filter: string): string {
  return `<code class="filter" role="button" tabindex="0" title="Click to copy this display filter; right-click for more"${vscodeContext({ webviewSection: 'filter', filter })}>${esc(filter)}</code>`;
}

/** A list of frame numbers cut to the first few, with the rest behind "show all". */
export function framesHtml(frames: readonly number[], first = 8): string {
  const list = (some: readonly number[]) => some.map(frameHtml).join(', ');
  if (frames.length <= first) return list(frames);
  return `<span class="truncated">${list(frames.slice(0, first))}<span class="rest" hidden>, ${list(frames.slice(first))}</span> <button type="button" class="show-rest">show all ${frames.length}</button></span>`;
}
