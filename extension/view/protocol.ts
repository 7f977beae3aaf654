import type { Finding } from '../../core/schema/generated/report.js';

/**
 * The messages between the analysis view's script (media/analysis.js, which reads these types through JSDoc)
 * and the extension. One discriminator, `type`, in both directions.
 */

/** What to show in the view: a row by its key (an outline id), else a section, else the first text match. */
export interface RevealTarget {
  /** Outline ids (core/report/outline.ts) of the entry, most specific first: the view shows the first it holds. */
  keys?: string[];
  section?: Finding['section'];
  text?: string;
}

/** Extension → view. */
export type ToView =
  { type: 'reveal'; target: RevealTarget } | { type: 'progress'; packets: number; total?: number; elapsedMs: number };

/** View → extension. */
export type FromView = { type: 'ready' } | { type: 'reanalyze' } | { type: 'cancel' } | { type: 'exportMarkdown' };

const FROM_VIEW_TYPES: ReadonlySet<FromView['type']> = new Set(['ready', 'reanalyze', 'cancel', 'exportMarkdown']);

/** A message from the view, checked: the page is ours, but a message is still only data. */
export function isFromView(message: unknown): message is FromView {
  return (
    typeof message === 'object' &&
    message !== null &&
    FROM_VIEW_TYPES.has((message as { type?: unknown }).type as FromView['type'])
  );
}
