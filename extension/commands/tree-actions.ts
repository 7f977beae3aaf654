import * as vscode from 'vscode';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureEditorProvider } from '../capture-editor.js';
import { evidenceOf, REVEAL_COMMAND, type CaptureTreeNode } from '../capture-tree.js';
import type { RevealTarget } from '../view/protocol.js';

/**
 * What the Captures tree does with its items: selecting one reveals it in the analysis view (opening the
 * view if needed); the context menu copies its display filter or Markdown, or removes a capture.
 */
export function registerTreeActions(store: AnalysisStore, editor: CaptureEditorProvider): vscode.Disposable {
  const copy =
    (pick: (e: ReturnType<typeof evidenceOf>) => string | undefined, what: string) =>
    async (node?: CaptureTreeNode) => {
      const text = node ? pick(evidenceOf(node)) : undefined;
      if (!text) return;
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(`Teamshark: ${what} copied`, 3000);
    };
  return vscode.Disposable.from(
    // Through the items' command rather than the selection: clicking an already-selected item reveals again.
    vscode.commands.registerCommand(REVEAL_COMMAND, async (node?: CaptureTreeNode) => {
      if (node) await showInAnalysis(editor, node.uri, revealTargetOf(node), true);
    }),
    vscode.commands.registerCommand(
      'teamshark.copyFilter',
      copy((e) => e.filter, 'display filter'),
    ),
    vscode.commands.registerCommand(
      'teamshark.copyMarkdown',
      copy((e) => e.markdown, 'Markdown'),
    ),
    vscode.commands.registerCommand('teamshark.removeCapture', (node?: CaptureTreeNode) => {
      if (node?.kind === 'capture') store.forget(node.uri);
    }),
  );
}

/**
 * Where a tree entry is in the view: the outline ids from the entry up to its section, most specific first
 * (a frame lands on the entry that lists it, a certificate on its handshake's TLS-server row).
 */
function revealTargetOf(node: CaptureTreeNode): RevealTarget {
  const keys: string[] = [];
  let section: RevealTarget['section'];
  let text: string | undefined;
  for (let at: CaptureTreeNode | undefined = node; at && at.kind !== 'capture'; at = at.up) {
    if (at.kind !== 'outline') continue;
    keys.push(at.node.id);
    section ??= at.node.section;
    text ??= at.node.revealText;
  }
  return { keys, section, text };
}

/** Reveals a part of a capture's analysis view, opening the view first when it is not open. */
export async function showInAnalysis(
  editor: CaptureEditorProvider,
  uri: vscode.Uri,
  target: RevealTarget,
  preserveFocus: boolean,
): Promise<void> {
  if (editor.reveal(uri, target)) return;
  await vscode.commands.executeCommand('vscode.openWith', uri, 'teamshark.capture', { preserveFocus, preview: false });
  editor.reveal(uri, target);
}
