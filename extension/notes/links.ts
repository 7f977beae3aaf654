import * as vscode from 'vscode';
import { basename, isAbsolute } from 'node:path';
import { captureLinks } from '../../core/notes/links.js';
import type { LinkedReport } from '../../core/notes/capture-facts.js';
import type { AnalysisStore } from '../analysis-store.js';

/** Notes are Markdown or plain-text documents. */
export const NOTE_SELECTOR: vscode.DocumentSelector = [{ language: 'markdown' }, { language: 'plaintext' }];

export function isNote(document: vscode.TextDocument): boolean {
  return vscode.languages.match(NOTE_SELECTOR, document) > 0;
}

export interface LinkedCapture {
  uri: vscode.Uri;
  /** Where the note names it. */
  range: vscode.Range;
}

/** The captures a note links to (front matter or Markdown links), resolved against the note's folder. */
export function linkedCaptures(document: vscode.TextDocument): LinkedCapture[] {
  const text = document.getText();
  const seen = new Set<string>();
  const linked: LinkedCapture[] = [];
  for (const link of captureLinks(text)) {
    let uri: vscode.Uri | undefined;
    if (isAbsolute(link.target)) uri = vscode.Uri.file(link.target);
    else if (document.uri.scheme === 'file') uri = vscode.Uri.joinPath(document.uri, '..', link.target);
    if (!uri || seen.has(uri.toString())) continue; // an untitled note has no folder to resolve against
    seen.add(uri.toString());
    linked.push({ uri, range: new vscode.Range(document.positionAt(link.start), document.positionAt(link.end)) });
  }
  return linked;
}

export function labelOf(uri: vscode.Uri): string {
  return basename(uri.fsPath);
}

/** The linked captures' reports already in the store (no analysis is started: hovers and lenses stay instant). */
export function analysedReports(store: AnalysisStore, document: vscode.TextDocument): LinkedReport[] {
  return linkedCaptures(document).flatMap(({ uri }) => {
    const analysis = store.get(uri);
    return analysis ? [{ label: labelOf(uri), report: analysis.report }] : [];
  });
}
