import * as vscode from 'vscode';
import type { Report } from '../../core/schema/generated/report.js';
import type { AnalysisStore } from '../analysis-store.js';
import { CaptureEditorProvider } from '../capture-editor.js';
import type { CaptureTreeNode, CaptureTreeProvider } from '../capture-tree.js';
import { pickCapture, reportFailure } from '../capture-picker.js';

/**
 * "Teamshark: Analyze Teams capture": analyses the capture (progress and Cancel in a notification), opens
 * its analysis view and shows it in the Captures tree. Resolves to the report, or undefined when nothing
 * was analysed.
 */
export function registerAnalyzeCommands(
  store: AnalysisStore,
  editor: CaptureEditorProvider,
  provider: CaptureTreeProvider,
  tree: vscode.TreeView<CaptureTreeNode>,
): vscode.Disposable {
  const analyze = async (given?: unknown): Promise<Report | undefined> => {
    const uri = await pickCapture(editor, given);
    if (!uri) return undefined;
    try {
      const report = await store.analyze(uri);
      await vscode.commands.executeCommand('vscode.openWith', uri, CaptureEditorProvider.viewType, { preview: false });
      // The newest capture opens by itself; expanding it here would be a second wave of tree requests (capture-tree.ts).
      await tree.reveal(provider.captureNode(uri), { focus: false, select: false });
      return report;
    } catch (error) {
      reportFailure(error);
      return undefined;
    }
  };
  const reanalyze = async (given?: unknown): Promise<void> => {
    const uri = given instanceof vscode.Uri ? given : editor.activeCapture;
    if (!uri) return;
    try {
      await editor.reanalyze(uri);
    } catch (error) {
      reportFailure(error);
    }
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand('teamshark.analyze', analyze),
    vscode.commands.registerCommand('teamshark.reanalyze', reanalyze),
  );
}
