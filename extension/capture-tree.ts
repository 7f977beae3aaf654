import * as vscode from 'vscode';
import { basename } from 'node:path';
import { reportOutline, type OutlineNode } from '../core/report/outline.js';
import type { AnalysisStore } from './analysis-store.js';

/** Evidence frames listed under an item; the rest are summed up in one line (the filter shows them all). */
const FRAMES_SHOWN = 50;

export type CaptureTreeNode =
  | { kind: 'capture'; uri: vscode.Uri }
  | { kind: 'outline'; uri: vscode.Uri; node: OutlineNode }
  | { kind: 'frame'; uri: vscode.Uri; frame: number; parent: OutlineNode }
  | { kind: 'more-frames'; uri: vscode.Uri; count: number; parent: OutlineNode };

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
};

/**
 * The Captures view: every capture analysed in this window → report sections (DNS, Network, Transport,
 * Security, Application) → groups → items → evidence frames.
 */
export class CaptureTreeProvider implements vscode.TreeDataProvider<CaptureTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<CaptureTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly outlines = new Map<string, OutlineNode[]>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: AnalysisStore) {
    this.subscription = store.onDidChange((uri) => {
      this.outlines.delete(uri.toString());
      this.changed.fire(undefined);
    });
  }

  getChildren(element?: CaptureTreeNode): CaptureTreeNode[] {
    if (!element) return this.store.all.map(({ uri }) => ({ kind: 'capture', uri }));
    if (element.kind === 'capture') return this.outlineOf(element.uri).map((node) => ({ kind: 'outline', uri: element.uri, node }));
    if (element.kind !== 'outline') return [];
    const { node, uri } = element;
    if (node.children?.length) return node.children.map((child) => ({ kind: 'outline', uri, node: child }));
    const frames = node.frames ?? [];
    const shown: CaptureTreeNode[] = frames.slice(0, FRAMES_SHOWN).map((frame) => ({ kind: 'frame', uri, frame, parent: node }));
    if (frames.length > FRAMES_SHOWN) shown.push({ kind: 'more-frames', uri, count: frames.length - FRAMES_SHOWN, parent: node });
    return shown;
  }

  getTreeItem(element: CaptureTreeNode): vscode.TreeItem {
    switch (element.kind) {
      case 'capture': {
        const report = this.store.get(element.uri)?.report;
        const item = new vscode.TreeItem(basename(element.uri.fsPath), vscode.TreeItemCollapsibleState.Expanded);
        item.id = element.uri.toString();
        item.resourceUri = element.uri;
        item.description = report ? `${report.capture.packets} packets · ${report.application.dominantActivity}` : undefined;
        item.tooltip = element.uri.fsPath;
        item.iconPath = new vscode.ThemeIcon('file-binary');
        item.contextValue = 'capture';
        return item;
      }
      case 'outline': {
        const { node } = element;
        const expandable = Boolean(node.children?.length || node.frames?.length);
        const state = node.kind === 'section' ? vscode.TreeItemCollapsibleState.Expanded : expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None;
        const item = new vscode.TreeItem(node.label, state);
        item.id = `${element.uri.toString()}#${node.id}`;
        item.description = node.description;
        item.tooltip = node.tooltip ?? node.description;
        item.iconPath = iconOf(node);
        item.contextValue = ['item', node.filter ? 'filter' : '', node.markdown ? 'markdown' : ''].filter(Boolean).join(' ');
        return item;
      }
      case 'frame': {
        const item = new vscode.TreeItem(`Frame ${element.frame}`, vscode.TreeItemCollapsibleState.None);
        item.id = `${element.uri.toString()}#${element.parent.id}#${element.frame}`;
        item.iconPath = new vscode.ThemeIcon('symbol-field');
        item.contextValue = 'frame filter';
        return item;
      }
      case 'more-frames': {
        const item = new vscode.TreeItem(`… and ${element.count} more frames`, vscode.TreeItemCollapsibleState.None);
        item.tooltip = element.parent.filter ? `The display filter shows them all: ${element.parent.filter}` : undefined;
        return item;
      }
    }
  }

  getParent(element: CaptureTreeNode): CaptureTreeNode | undefined {
    if (element.kind === 'capture') return undefined;
    if (element.kind === 'frame' || element.kind === 'more-frames') return { kind: 'outline', uri: element.uri, node: element.parent };
    const parent = findParent(this.outlineOf(element.uri), element.node);
    return parent ? { kind: 'outline', uri: element.uri, node: parent } : { kind: 'capture', uri: element.uri };
  }

  private outlineOf(uri: vscode.Uri): OutlineNode[] {
    const key = uri.toString();
    let outline = this.outlines.get(key);
    if (!outline) {
      const report = this.store.get(uri)?.report;
      outline = report ? reportOutline(report) : [];
      this.outlines.set(key, outline);
    }
    return outline;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function iconOf(node: OutlineNode): vscode.ThemeIcon {
  if (node.kind === 'finding' && node.severity === 'warning') return new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  if (node.kind === 'finding' && node.severity === 'notice') return new vscode.ThemeIcon('bell');
  return new vscode.ThemeIcon(ICONS[node.kind]);
}

function findParent(nodes: readonly OutlineNode[], target: OutlineNode): OutlineNode | undefined {
  for (const node of nodes) {
    if (node.children?.includes(target)) return node;
    const deeper = node.children ? findParent(node.children, target) : undefined;
    if (deeper) return deeper;
  }
  return undefined;
}

/** The capture, display filter and frame a tree entry stands for (for copy and Open in Wireshark). */
export function evidenceOf(element: CaptureTreeNode): { uri: vscode.Uri; filter?: string; frame?: number; markdown?: string } {
  switch (element.kind) {
    case 'capture':
      return { uri: element.uri };
    case 'outline':
      return { uri: element.uri, filter: element.node.filter, frame: element.node.frames?.[0], markdown: element.node.markdown };
    case 'frame':
      return { uri: element.uri, filter: `frame.number == ${element.frame}`, frame: element.frame };
    case 'more-frames':
      return { uri: element.uri, filter: element.parent.filter };
  }
}
