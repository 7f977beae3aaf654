import * as vscode from 'vscode';
import { basename } from 'node:path';
import { reportOutline, type OutlineNode } from '../core/report/outline.js';
import type { AnalysisStore } from './analysis-store.js';
import { frameFilter } from '../core/util/display-filter.js';
import { isViewContext } from './view/protocol.js';

/** Evidence frames listed under an item; the rest are summed up in one line (the filter shows them all). */
const FRAMES_SHOWN = 50;

export type CaptureTreeNode =
  | { kind: 'capture'; uri: vscode.Uri }
  | { kind: 'outline'; uri: vscode.Uri; node: OutlineNode; up: CaptureTreeNode; version: number }
  | { kind: 'frame'; uri: vscode.Uri; frame: number; parent: OutlineNode; up: CaptureTreeNode; version: number }
  | { kind: 'more-frames'; uri: vscode.Uri; count: number; parent: OutlineNode; up: CaptureTreeNode; version: number };

/** The command a tree item runs when clicked (also when it is already selected). */
export const REVEAL_COMMAND = 'teamshark.revealInAnalysis';

/** The command that shows a frame of an analysis view in the Captures tree (a click on the frame's number). */
export const REVEAL_FRAME_COMMAND = 'teamshark.revealFrame';

const ICONS: Record<OutlineNode['kind'], string> = {
  section: 'symbol-namespace',
  group: 'list-tree',
  finding: 'info',
  domain: 'globe',
  address: 'server-environment',
  relay: 'arrow-swap',
  flow: 'arrow-both',
  handshake: 'lock',
  certificate: 'verified',
  media: 'play-circle',
  activity: 'pulse',
  'left-out': 'ellipsis',
};

/**
 * The Captures view: every capture analysed in this window → report sections (DNS, Network, Transport,
 * Security, Application) → groups → items → evidence frames.
 *
 * VS Code's tree asks for the children of several expanded elements in one batch, and when a second wave of
 * requests (a refresh, a reveal) starts while a batch is being answered, it can hand one element the children
 * of another: a capture listed another capture's items (issue 31). So few elements open by themselves (the
 * newest capture, its sections closed), a capture whose report changed refreshes alone, and a report served
 * again unchanged refreshes nothing (analysis-store.ts).
 */
export class CaptureTreeProvider implements vscode.TreeDataProvider<CaptureTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CaptureTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** One element object per capture, and per report version below it: VS Code keys its tree on them. */
  private readonly captures = new Map<string, CaptureTreeNode & { kind: 'capture' }>();
  private readonly versions = new Map<string, number>();
  private readonly children = new WeakMap<CaptureTreeNode, CaptureTreeNode[]>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: AnalysisStore) {
    // A capture already in the tree refreshes alone; a new or removed one refreshes the root.
    this.subscription = store.onDidChange((uri) => {
      const key = uri.toString();
      this.versions.set(key, (this.versions.get(key) ?? 0) + 1);
      const capture = this.captures.get(key);
      if (capture) this.children.delete(capture);
      if (!store.get(uri)) this.captures.delete(key);
      this.changed.fire(capture && store.get(uri) ? capture : undefined);
    });
  }

  /** The tree element of a capture (the same object every time). */
  captureNode(uri: vscode.Uri): CaptureTreeNode {
    const key = uri.toString();
    let node = this.captures.get(key);
    if (!node) {
      node = { kind: 'capture', uri };
      this.captures.set(key, node);
    }
    return node;
  }

  /**
   * The tree element of a frame as listed under the first of `keys` (outline ids, most specific first) that
   * the capture's tree holds; that entry itself when it does not list the frame (past the first frames shown).
   */
  frameNode(uri: vscode.Uri, keys: readonly string[], frame: number): CaptureTreeNode | undefined {
    if (!this.store.get(uri)) return undefined;
    const entries = new Map<string, CaptureTreeNode>();
    const visit = (element: CaptureTreeNode) => {
      for (const child of this.getChildren(element)) {
        if (child.kind !== 'outline') continue;
        if (!entries.has(child.node.id)) entries.set(child.node.id, child);
        visit(child);
      }
    };
    visit(this.captureNode(uri));
    const entry = keys.map((key) => entries.get(key)).find(Boolean);
    if (!entry) return undefined;
    return this.getChildren(entry).find((child) => child.kind === 'frame' && child.frame === frame) ?? entry;
  }

  getChildren(element?: CaptureTreeNode): CaptureTreeNode[] {
    if (!element) return this.store.all.map(({ uri }) => this.captureNode(uri));
    let known = this.children.get(element);
    if (!known) {
      known = this.childrenOf(element);
      this.children.set(element, known);
    }
    return known;
  }

  private childrenOf(element: CaptureTreeNode): CaptureTreeNode[] {
    const { uri } = element;
    if (element.kind === 'capture') {
      const report = this.store.get(uri)?.report;
      const version = this.versions.get(uri.toString()) ?? 0;
      return (report ? reportOutline(report) : []).map((node) => ({
        kind: 'outline',
        uri,
        node,
        up: element,
        version,
      }));
    }
    if (element.kind !== 'outline') return [];
    const { node, version } = element;
    if (node.children?.length)
      return node.children.map((child) => ({ kind: 'outline', uri, node: child, up: element, version }));
    const frames = node.frames ?? [];
    const shown: CaptureTreeNode[] = frames
      .slice(0, FRAMES_SHOWN)
      .map((frame) => ({ kind: 'frame', uri, frame, parent: node, up: element, version }));
    if (frames.length > FRAMES_SHOWN)
      shown.push({ kind: 'more-frames', uri, count: frames.length - FRAMES_SHOWN, parent: node, up: element, version });
    return shown;
  }

  getTreeItem(element: CaptureTreeNode): vscode.TreeItem {
    const reveal = (title: string): vscode.Command => ({ command: REVEAL_COMMAND, title, arguments: [element] });
    switch (element.kind) {
      case 'capture': {
        const report = this.store.get(element.uri)?.report;
        const newest = this.store.all.at(-1)?.uri.toString() === element.uri.toString();
        const item = new vscode.TreeItem(
          basename(element.uri.fsPath),
          newest ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed,
        );
        item.id = element.uri.toString();
        item.resourceUri = element.uri;
        item.description = report
          ? `${report.capture.packets} packets · ${report.application.dominantActivity}`
          : undefined;
        item.tooltip = element.uri.fsPath;
        item.iconPath = new vscode.ThemeIcon('file-binary');
        item.contextValue = 'capture';
        return item;
      }
      case 'outline': {
        const { node } = element;
        const expandable = Boolean(node.children?.length || node.frames?.length);
        const state = expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
        const item = new vscode.TreeItem(node.label, state);
        item.id = `${element.uri.toString()}#v${element.version}#${node.id}`;
        item.description = node.description;
        item.tooltip = node.tooltip ?? node.description;
        item.iconPath = iconOf(node);
        item.contextValue = ['item', node.filter ? 'filter' : '', node.markdown ? 'markdown' : '']
          .filter(Boolean)
          .join(' ');
        // Sections and groups expand on click; entries reveal their row (their twistie expands them).
        if (node.kind !== 'section' && node.kind !== 'group') item.command = reveal('Show in the analysis');
        return item;
      }
      case 'frame': {
        const item = new vscode.TreeItem(`Frame ${element.frame}`, vscode.TreeItemCollapsibleState.None);
        item.id = `${element.uri.toString()}#v${element.version}#${element.parent.id}#${element.frame}`;
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'frame filter';
        item.command = reveal('Show the entry that lists this frame');
        return item;
      }
      case 'more-frames': {
        const item = new vscode.TreeItem(`… and ${element.count} more frames`, vscode.TreeItemCollapsibleState.None);
        item.id = `${element.uri.toString()}#v${element.version}#${element.parent.id}#more`;
        item.tooltip = element.parent.filter
          ? `The display filter shows them all: ${element.parent.filter}`
          : undefined;
        return item;
      }
    }
  }

  getParent(element: CaptureTreeNode): CaptureTreeNode | undefined {
    return element.kind === 'capture' ? undefined : element.up;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function iconOf(node: OutlineNode): vscode.ThemeIcon {
  if (node.kind === 'finding' && node.severity === 'warning')
    return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (node.kind === 'finding' && node.severity === 'notice') return new vscode.ThemeIcon('bell');
  return new vscode.ThemeIcon(ICONS[node.kind]);
}

/** What a command acts on: a capture, and the display filter, frame and Markdown of one of its entries. */
export interface Evidence {
  uri: vscode.Uri;
  filter?: string;
  frame?: number;
  markdown?: string;
}

/**
 * The evidence a context-menu command was called on: a Captures tree element, or the right-clicked frame or
 * filter of an analysis view (VS Code passes its data-vscode-context; `capture` comes from the page).
 */
export function evidenceFrom(given: unknown): Evidence | undefined {
  if (isViewContext(given)) {
    if (!given.capture) return undefined;
    const { frame } = given;
    return {
      uri: vscode.Uri.parse(given.capture),
      filter: given.filter ?? (frame === undefined ? undefined : frameFilter(frame)),
      frame,
    };
  }
  if (isTreeNode(given)) return evidenceOf(given);
  return undefined;
}

function isTreeNode(value: unknown): value is CaptureTreeNode {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    (value as { uri?: unknown }).uri instanceof vscode.Uri
  );
}

/** The capture, display filter and frame a tree entry stands for (for copy and Open in Wireshark). */
export function evidenceOf(element: CaptureTreeNode): Evidence {
  switch (element.kind) {
    case 'capture':
      return { uri: element.uri };
    case 'outline':
      return {
        uri: element.uri,
        filter: element.node.filter,
        frame: element.node.frames?.[0],
        markdown: element.node.markdown,
      };
    case 'frame':
      return { uri: element.uri, filter: frameFilter(element.frame), frame: element.frame };
    case 'more-frames':
      return { uri: element.uri, filter: element.parent.filter };
  }
}
