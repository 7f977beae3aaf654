import * as vscode from 'vscode';
import { basename } from 'node:path';
import { packetsPerSecondSpec, renderSvg } from '../../core/report/charts.js';
import { renderMarkdown } from '../../core/report/markdown.js';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureEditorProvider } from '../capture-editor.js';
import { givenTarget, pickCapture, reportFailure } from '../capture-picker.js';

/**
 * "Teamshark: Export report as Markdown": the CLI's Markdown report, with its packets-per-second chart
 * written beside it, where the user chooses (or at a target Uri given as second argument, for keybindings
 * and other extensions; the title bar's context object is not one); then
 * opens it.
 */
export function registerExportMarkdownCommand(store: AnalysisStore, editor: CaptureEditorProvider): vscode.Disposable {
  return vscode.commands.registerCommand('teamshark.exportMarkdown', async (given?: unknown, targetGiven?: unknown) => {
    let target = givenTarget(targetGiven);
    const capture = await pickCapture(editor, given);
    if (!capture) return undefined;
    try {
      const report = await store.analyze(capture);
      const name = basename(capture.fsPath).replace(/\.(pcapng|pcap|cap)$/i, '');
      target ??= await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.joinPath(capture, '..', `${name}.teamshark.md`),
        filters: { Markdown: ['md'] },
        title: 'Teamshark: export the report as Markdown',
      });
      if (!target) return undefined;
      const chartFile = `${basename(target.fsPath).replace(/\.md$/i, '')}.packets-per-second.svg`;
      const chart = await renderSvg(
        packetsPerSecondSpec(report.timeline, `Packets per second: ${basename(capture.fsPath)}`),
      );
      await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(target, '..', chartFile), Buffer.from(chart));
      await vscode.workspace.fs.writeFile(target, Buffer.from(`${renderMarkdown(report, { chartFile })}\n`));
      await vscode.window.showTextDocument(target);
      return target;
    } catch (error) {
      reportFailure(error);
      return undefined;
    }
  });
}
