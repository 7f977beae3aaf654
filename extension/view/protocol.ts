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

/**
 * View → extension. A frame comes with the outline ids of the entry it was clicked in (its tree entry). A page
 * announces itself with the serial number the extension gave it, so a page the view has since replaced is known.
 */
export type FromView =
  | { type: 'ready'; page: number }
  | { type: 'reanalyze' }
  | { type: 'cancel' }
  | { type: 'exportMarkdown' }
  | { type: 'revealFrame'; frame: number; keys: string[] }
  | { type: 'copyFilter'; filter: string };

const FROM_VIEW_TYPES: ReadonlySet<FromView['type']> = new Set([
  'ready',
  'reanalyze',
  'cancel',
  'exportMarkdown',
  'revealFrame',
  'copyFilter',
]);

/** A message from the view, checked: the page is ours, but a message is still only data. */
export function isFromView(message: unknown): message is FromView {
  if (typeof message !== 'object' || message === null) return false;
  const { type, frame, keys, filter } = message as Record<string, unknown>;
  if (!FROM_VIEW_TYPES.has(type as FromView['type'])) return false;
  if (type === 'revealFrame')
    return Number.isSafeInteger(frame) && Array.isArray(keys) && keys.every((k) => typeof k === 'string');
  if (type === 'copyFilter') return typeof filter === 'string';
  if (type === 'ready') return Number.isSafeInteger((message as { page?: unknown }).page);
  return true;
}

/**
 * What VS Code passes to a `webview/context` command: the `data-vscode-context` of the element right-clicked
 * and its ancestors, merged, with `webview` set to the view type (extension/view/html-table.ts writes them).
 */
export interface ViewContext {
  webview: string;
  /** The capture's Uri, from the page's outermost element. */
  capture?: string;
  webviewSection?: 'frame' | 'filter';
  frame?: number;
  /** A frame's entry (its outline ids), which the page adds as the menu opens: where the reveal lands. */
  keys?: string[];
  filter?: string;
}

export function isViewContext(value: unknown): value is ViewContext {
  return typeof value === 'object' && value !== null && typeof (value as { webview?: unknown }).webview === 'string';
}
