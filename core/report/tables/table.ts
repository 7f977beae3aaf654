import type { Finding, Report } from '../../schema/generated/report.js';

/** A cell's fact as plain text (each renderer escapes it), with what it sorts by and a tooltip. */
export interface Cell {
  text: string;
  sort?: number | string;
  title?: string;
}

/** One column of a report table, for every renderer: the Markdown report, the HTML page and the view. */
export interface Column<Row> {
  header: string;
  /** Shown after the header in parentheses: "Start (s)". */
  unit?: string;
  /** The fact; a number prints as is in Markdown and with thousands separators in the view. */
  value: (row: Row) => Cell | string | number;
  /**
   * num: a number, right-aligned in the view; clip: long text kept to one line in the view; code: in code;
   * filter: a Wireshark display filter, in code (the view copies it on a click and offers it to Wireshark).
   */
  kind?: 'num' | 'clip' | 'code' | 'filter';
  /** The Markdown cell (already escaped) where the value alone will not do; false leaves the column out. */
  markdown?: false | ((row: Row) => string);
  /** The view's cell as HTML (already escaped) where the value alone will not do; false leaves the column out. */
  view?: false | ((row: Row) => string);
}

/** A report table declared once: its title, rows, columns and what a row links to. */
export interface TableDefinition<Row> {
  /** The view's data-table name, e.g. tls-servers. */
  id: string;
  title: string;
  /** The section whose list (sections.ts) has the table; spelled from the schema, as sections.ts imports the tables. */
  section: Finding['section'];
  rows: (report: Report) => readonly Row[];
  columns: readonly Column<Row>[];
  /** Shown with "None." when it has no rows; otherwise the table and its heading are left out. */
  shownEmpty?: boolean;
  /** The outline id of the tree item a row is: the Captures tree and the note lenses reveal the row by it. */
  item?: (row: Row) => string;
  /** Outline ids of other items that land on the row (a server's handshakes and certificates). */
  landing?: (row: Row) => string[];
  /** The capture time a row covers, for the view chart's brush. */
  time?: (row: Row) => [number, number];
  markdown?: {
    /** The rows Markdown shows, where they are fewer than the table's. */
    rows?: (report: Report) => readonly Row[];
    /** Only the first rows, then how many the JSON report has. */
    capped?: boolean;
    /** How many rows there are in all, where the JSON report has more than `rows`. */
    total?: (report: Report) => number;
    /** Where the rows left out are, when not "the JSON report has all". */
    more?: (report: Report) => string | undefined;
    /** The heading, where it says more than the title; false for none. */
    heading?: false | ((report: Report) => string);
  };
  view?: {
    /** A filter box above the table (the big ones). */
    filter?: boolean;
    /** A muted remark after the heading. */
    note?: (report: Report) => string;
    /** Outline ids the heading stands for, besides the table's own group. */
    keys?: string[];
  };
}

/**
 * A table whatever its row type, as a section's list holds it: it hands its definition, row type and all, to a
 * renderer (TypeScript has no "TableDefinition of some row type" that a generic renderer could take).
 */
export type ListedTable = <Result>(render: <Row>(definition: TableDefinition<Row>) => Result) => Result;

export function listed<Row>(definition: TableDefinition<Row>): ListedTable {
  return (render) => render(definition);
}

/** A table whose every row is an item of the outline (an address, a flow). */
export type ItemTable<Row> = TableDefinition<Row> & { item: (row: Row) => string };

/** A column's header with its unit. */
export function headerOf(column: Column<never>): string {
  return column.unit ? `${column.header} (${column.unit})` : column.header;
}

/** A column's cell in one row, numbers printed by the renderer's format. */
export function tableCell<Row>(column: Column<Row>, row: Row, formatNumber: (n: number) => string): Cell {
  const value = column.value(row);
  if (typeof value === 'number') return { text: formatNumber(value), sort: value };
  return typeof value === 'string' ? { text: value } : value;
}

/** A time in seconds as the report prints it: three decimals, sorted as a number. */
export function seconds(time: number): Cell {
  return { text: time.toFixed(3), sort: time };
}

/** A list shortened to its first few, "…" saying there are more. */
export function firstOf(items: readonly string[], shown: number): string {
  return items.slice(0, shown).join(', ') + (items.length > shown ? ', …' : '');
}
