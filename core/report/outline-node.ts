import type { Finding, Report } from '../schema/generated/report.js';
import { markdownCode, markdownText } from './escape.js';
import type { SectionId } from './sections.js';
import type { ItemTable } from './tables/table.js';

/**
 * One entry of a report's outline: what a tree view shows. Labels and descriptions are plain one-line text
 * (capture strings with control characters removed); `markdown` is the entry as Markdown for notes;
 * `frames` and `filter` are its evidence; `revealText` is text to find in the rendered report.
 */
export interface OutlineNode {
  id: string;
  kind:
    | 'section'
    | 'group'
    | 'finding'
    | 'domain'
    | 'address'
    | 'relay'
    | 'flow'
    | 'handshake'
    | 'certificate'
    | 'media'
    | 'activity'
    | 'left-out';
  section: SectionId;
  label: string;
  description?: string;
  tooltip?: string;
  severity?: Finding['severity'];
  frames?: number[];
  filter?: string;
  markdown?: string;
  revealText?: string;
  children?: OutlineNode[];
}

export function group(section: SectionId, title: string, children: OutlineNode[]): OutlineNode {
  return {
    id: `${section}/${title}`,
    kind: 'group',
    section,
    label: title,
    description: String(children.length),
    revealText: title,
    children,
  };
}

/** A report table's rows as a group of the outline: titled as the table, each row the item its definition names. */
export function tableGroup<Row>(
  definition: ItemTable<Row>,
  report: Report,
  node: (row: Row) => Omit<OutlineNode, 'id' | 'section'>,
): OutlineNode {
  const { section } = definition;
  const items = definition.rows(report).map((row) => ({ id: definition.item(row), section, ...node(row) }));
  return group(section, definition.title, items);
}

/** A one-line Markdown list item with its evidence, for an outline entry that is not a finding. */
export function itemMarkdown(title: string, detail: string, frames: readonly number[], filter: string): string {
  const evidence = frames.length ? `Frames ${frames.join(', ')} · ` : '';
  return `- **${markdownText(title)}** — ${markdownText(detail)}\\\n  ${evidence}filter ${markdownCode(filter)}`;
}
