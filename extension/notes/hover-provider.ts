import * as vscode from 'vscode';
import { hoverMarkdown } from '../../core/notes/hover.js';
import { mentionAt } from '../../core/notes/mentions.js';
import type { AnalysisStore } from '../analysis-store.js';
import { analysedReports, NOTE_SELECTOR } from './links.js';

/**
 * Hovers on cipher suites, TLS parameters, addresses, prefixes and domain names in notes: what they are and,
 * in a note linked to analysed captures, what those captures show about them.
 */
export function registerNoteHovers(store: AnalysisStore): vscode.Disposable {
  return vscode.languages.registerHoverProvider(NOTE_SELECTOR, {
    provideHover(document, position) {
      const line = document.lineAt(position.line).text;
      const mention = mentionAt(line, position.character);
      if (!mention) return undefined;
      // Capture text inside is escaped by hoverMarkdown; untrusted, so no command link could run either way.
      const markdown = new vscode.MarkdownString(hoverMarkdown(mention, analysedReports(store, document)));
      markdown.isTrusted = false;
      markdown.supportHtml = false;
      return new vscode.Hover(markdown, new vscode.Range(position.line, mention.start, position.line, mention.end));
    },
  });
}
