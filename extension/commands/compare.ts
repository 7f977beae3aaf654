import * as vscode from 'vscode';
import { basename } from 'node:path';
import { compareReport } from '../../core/report/comparison.js';
import { renderComparison } from '../../core/report/compare-markdown.js';
import type { AnalysisStore } from '../analysis-store.js';
import { CAPTURE_FILTERS, reportFailure } from '../capture-picker.js';

const CAPTURE_GLOB = '**/*.{pcap,pcapng,cap}';
const CHOOSE_FILES = 'Choose files…';

/**
 * "Teamshark: Compare captures…" (a multi-select quick pick of the workspace's captures and those already
 * analysed, with the file dialog as one more way) and "Compare selected captures" (the explorer's
 * multi-selection): one column per capture (activity, protocol shares, rates, DNS volume, TLS versions) in a
 * new Markdown document. Captures are analysed one after the other: each tshark pass keeps a core busy.
 */
export function registerCompareCommands(store: AnalysisStore): vscode.Disposable {
  const compare = async (captures: readonly vscode.Uri[] | undefined): Promise<vscode.TextDocument | undefined> => {
    if (!captures) return undefined;
    if (captures.length < 2) {
      void vscode.window.showWarningMessage('Teamshark: choose two captures or more to compare.');
      return undefined;
    }
    try {
      const columns = [];
      for (const capture of captures) columns.push(compareReport(await store.analyze(capture)));
      const document = await vscode.workspace.openTextDocument({
        language: 'markdown',
        content: `${renderComparison(columns)}\n`,
      });
      await vscode.window.showTextDocument(document);
      return document;
    } catch (error) {
      reportFailure(error);
      return undefined;
    }
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand('teamshark.compare', async (given?: unknown) =>
      compare(isUris(given) ? given : await pickCaptures(store)),
    ),
    // Explorer context menus pass (clicked resource, all selected resources).
    vscode.commands.registerCommand('teamshark.compareSelected', async (clicked?: unknown, selected?: unknown) =>
      compare(isUris(selected) ? selected : clicked instanceof vscode.Uri ? [clicked] : []),
    ),
  );
}

function isUris(value: unknown): value is vscode.Uri[] {
  return Array.isArray(value) && value.every((v) => v instanceof vscode.Uri);
}

/** The captures to compare: picked from the workspace and this window's analyses, or from the file dialog. */
async function pickCaptures(store: AnalysisStore): Promise<vscode.Uri[] | undefined> {
  const found = await vscode.workspace.findFiles(CAPTURE_GLOB, '**/node_modules/**', 500);
  const uris = new Map<string, vscode.Uri>();
  for (const uri of [...store.all.map((a) => a.uri), ...found]) uris.set(uri.toString(), uri);
  type Item = vscode.QuickPickItem & { uri?: vscode.Uri };
  const items: Item[] = [...uris.values()].map((uri) => ({
    label: basename(uri.fsPath),
    description: vscode.workspace.asRelativePath(uri, true),
    detail: store.get(uri) ? `analysed: ${store.get(uri)!.report.application.dominantActivity}` : undefined,
    uri,
  }));
  items.push({ label: CHOOSE_FILES, alwaysShow: true, description: 'open the file dialog' });
  const picked = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: 'Teamshark: captures to compare (two or more)',
    placeHolder: 'Tick two captures or more',
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  const chosen = picked.flatMap((item) => (item.uri ? [item.uri] : []));
  if (picked.some((item) => !item.uri)) {
    const more = await vscode.window.showOpenDialog({
      canSelectMany: true,
      filters: CAPTURE_FILTERS,
      openLabel: 'Compare',
      title: 'Teamshark: captures to compare',
    });
    if (!more) return undefined;
    chosen.push(...more);
  }
  return chosen;
}
