import * as vscode from 'vscode';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureEditorProvider } from '../capture-editor.js';
import { evidenceOf, type CaptureTreeNode } from '../capture-tree.js';
import type { RevealTarget } from '../capture-editor.js';

/**
 * What the Captures tree does with its items: selecting one reveals it in the analysis view (opening the
 * view if needed); the context menu copies its display filter or Markdown, or removes a capture.
 */
export function registerTreeActions(store: AnalysisStore, editor: CaptureEditorProvider, tree: vscode.TreeView<CaptureTreeNode>): vscode.Disposable {
  const copy = (pick: (e: ReturnType<typeof evidenceOf>) => string | undefined, what: string) => async (node?: CaptureTreeNode) => {
    const text = node ? pick(evidenceOf(node)) : undefined;
    if (!text) return;
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Teamshark: ${what} copied`, 3000);
  };
  return vscode.Disposable.from(
    tree.onDidChangeSelection(async ({ selection: [node] }) => {
      if (!node || node.kind === 'capture' || node.kind === 'more-frames') return;
      const outline = node.kind === 'outline' ? node.node : node.parent;
      await showInAnalysis(editor, node.uri, { section: outline.section, text: outline.revealText }, true);
    }),
    vscode.commands.registerCommand('teamshark.copyFilter', copy((e) => e.filter, 'display filter')),
    vscode.commands.registerCommand('teamshark.copyMarkdown', copy((e) => e.markdown, 'Markdown')),
    vscode.commands.registerCommand('teamshark.removeCapture', (node?: CaptureTreeNode) => {
      if (node?.kind === 'capture') store.forget(node.uri);
    }),
  );
}

/** Reveals a part of a capture's analysis view, opening the view first when it is not open. */
export async function showInAnalysis(editor: CaptureEditorProvider, uri: vscode.Uri, target: RevealTarget, preserveFocus: boolean): Promise<void> {
  if (editor.reveal(uri, target)) return;
  await vscode.commands.executeCommand('vscode.openWith', uri, 'teamshark.capture', { preserveFocus, preview: false });
  editor.reveal(uri, target);
}
