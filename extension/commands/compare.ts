import * as vscode from 'vscode';
import { compareReport } from '../../core/compare.js';
import { renderComparison } from '../../core/report/compare-markdown.js';
import type { AnalysisStore } from '../analysis-store.js';
import { CAPTURE_FILTERS, reportFailure } from '../capture-picker.js';

/**
 * "Teamshark: Compare captures…": one column per capture (activity, protocol shares, rates, DNS volume,
 * TLS versions) in a new Markdown document. Captures are analysed one after the other: each tshark pass
 * keeps a core busy already.
 */
export function registerCompareCommand(store: AnalysisStore): vscode.Disposable {
  return vscode.commands.registerCommand('teamshark.compare', async (given?: unknown) => {
    const captures = Array.isArray(given) && given.every((g) => g instanceof vscode.Uri) ? (given as vscode.Uri[]) : await vscode.window.showOpenDialog({ canSelectMany: true, filters: CAPTURE_FILTERS, openLabel: 'Compare', title: 'Teamshark: captures to compare (two or more)' });
    if (!captures) return undefined;
    if (captures.length < 2) {
      void vscode.window.showWarningMessage('Teamshark: choose two captures or more to compare.');
      return undefined;
    }
    try {
      const columns = [];
      for (const capture of captures) columns.push(compareReport(await store.analyze(capture)));
      const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: `${renderComparison(columns)}\n` });
      await vscode.window.showTextDocument(document);
      return document;
    } catch (error) {
      reportFailure(error);
      return undefined;
    }
  });
}
