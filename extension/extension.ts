import * as vscode from 'vscode';
import { AnalysisStore } from './analysis-store.js';
import { CaptureEditorProvider } from './capture-editor.js';
import { CaptureTreeProvider, type CaptureTreeNode } from './capture-tree.js';
import { registerAnalyzeCommands } from './commands/analyze.js';
import { registerCompareCommands } from './commands/compare.js';
import { registerExportMarkdownCommand } from './commands/export-markdown.js';
import { registerTreeActions } from './commands/tree-actions.js';
import { registerOpenInWiresharkCommand } from './commands/wireshark.js';
import { registerSaveAnnotatedCaptureCommand } from './commands/annotated-capture.js';
import { NoteDiagnostics } from './notes/diagnostics.js';
import { registerNoteCodeActions } from './notes/code-actions.js';
import { registerNoteCodeLenses } from './notes/code-lens.js';
import { registerNoteHovers } from './notes/hover-provider.js';
import { registerNoteInlayHints } from './notes/inlay-hints.js';
import { registerInsertCommands } from './notes/insert-commands.js';
import { registerLanguageModelTools } from './language-model-tools.js';
import { UntrustedConsent } from './trust.js';

/** What activate returns: the extension's parts, for the extension tests in the real host. */
export interface TeamsharkApi {
  store: AnalysisStore;
  editor: CaptureEditorProvider;
  tree: CaptureTreeProvider;
  notes: NoteDiagnostics;
}

export function activate(context: vscode.ExtensionContext): TeamsharkApi {
  const roots = {
    media: vscode.Uri.joinPath(context.extensionUri, 'media'),
    webview: vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'),
  };
  const worker = vscode.Uri.joinPath(context.extensionUri, 'dist', 'analysis-worker.cjs').fsPath;
  const store = new AnalysisStore(
    vscode.Uri.joinPath(context.globalStorageUri, 'reports'),
    new UntrustedConsent(),
    worker,
  );
  const { provider: editor, registration } = CaptureEditorProvider.register(store, roots);
  const tree = new CaptureTreeProvider(store);
  const notes = new NoteDiagnostics(store);
  const treeView = vscode.window.createTreeView<CaptureTreeNode>('teamshark.captures', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  context.subscriptions.push(
    store,
    registration,
    tree,
    treeView,
    registerAnalyzeCommands(store, editor, tree, treeView),
    registerExportMarkdownCommand(store, editor),
    registerCompareCommands(store),
    registerOpenInWiresharkCommand(editor, store),
    registerSaveAnnotatedCaptureCommand(store, editor),
    registerTreeActions(store, editor, tree, treeView),
    notes,
    registerNoteHovers(store),
    registerNoteCodeActions(notes),
    registerNoteInlayHints(notes),
    registerNoteCodeLenses(store, editor),
    registerInsertCommands(store),
    registerLanguageModelTools(store, editor),
  );
  return { store, editor, tree, notes };
}
