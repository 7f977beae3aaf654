import * as vscode from 'vscode';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureEditorProvider } from '../capture-editor.js';
import {
  evidenceFrom,
  REVEAL_COMMAND,
  REVEAL_FRAME_COMMAND,
  type CaptureTreeNode,
  type CaptureTreeProvider,
  type Evidence,
} from '../capture-tree.js';
import type { RevealTarget } from '../view/protocol.js';

/**
 * What the Captures tree does with its items: selecting one reveals it in the analysis view (opening the
 * view if needed); the context menu copies its display filter or Markdown, or removes a capture. The copy
 * commands take a view's right-clicked frame or filter as well; a frame clicked in a view is shown in the tree.
 */
export function registerTreeActions(
  store: AnalysisStore,
  editor: CaptureEditorProvider,
  tree: CaptureTreeProvider,
  treeView: vscode.TreeView<CaptureTreeNode>,
): vscode.Disposable {
  const copy = (pick: (e: Evidence) => string | undefined, what: string) => async (given?: unknown) => {
    const evidence = evidenceFrom(given);
    const text = evidence ? pick(evidence) : undefined;
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
    // From a view: a click passes { capture, frame, keys }, the context menu its data-vscode-context.
    vscode.commands.registerCommand(REVEAL_FRAME_COMMAND, async (given?: unknown) => {
      const evidence = evidenceFrom(given);
      if (evidence?.frame === undefined) return;
      const keys = (given as { keys?: unknown }).keys;
      const node = tree.frameNode(evidence.uri, Array.isArray(keys) ? (keys as string[]) : [], evidence.frame);
      if (node) await revealSelected(treeView, node);
      else
        vscode.window.setStatusBarMessage(
          `Teamshark: frame ${evidence.frame} is in no entry of the Captures tree`,
          3000,
        );
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

/** How long a reveal's selection may take to come back from the workbench before the reveal is tried again. */
const SELECTION_WAIT_MS = 2_000;

/**
 * Reveals and selects a tree element. A hidden Captures view holds the elements it last showed: the first
 * reveal opens it (and its pending refresh runs), so when the element is not selected once that reveal is
 * answered, it is revealed again.
 */
async function revealSelected(treeView: vscode.TreeView<CaptureTreeNode>, node: CaptureTreeNode): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const selected = new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      };
      const timer = setTimeout(done, SELECTION_WAIT_MS);
      const subscription = treeView.onDidChangeSelection(({ selection }) => {
        if (selection.includes(node)) done();
      });
    });
    await treeView.reveal(node, { select: true, focus: false, expand: false });
    await selected;
    if (treeView.selection.includes(node)) return;
  }
}
