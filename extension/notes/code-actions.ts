import * as vscode from 'vscode';
import { DIAGNOSTIC_SOURCE, type NoteDiagnostics } from './diagnostics.js';
import { NOTE_SELECTOR } from './links.js';

/**
 * Quick fixes for a contradicted statement: replace the words with what the capture shows (when it shows one
 * value), or keep them and append what the capture shows, with its frames.
 */
export function registerNoteCodeActions(diagnostics: NoteDiagnostics): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(
    NOTE_SELECTOR,
    {
      provideCodeActions(document, _range, context) {
        const actions: vscode.CodeAction[] = [];
        for (const diagnostic of context.diagnostics) {
          if (diagnostic.source !== DIAGNOSTIC_SOURCE) continue;
          const start = document.offsetAt(diagnostic.range.start);
          const problem = diagnostics
            .problemsOf(document)
            .find((p) => p.start === start && p.end === document.offsetAt(diagnostic.range.end));
          if (!problem) continue;
          if (problem.replacement) {
            const replace = new vscode.CodeAction(
              `Replace with ${problem.replacement}`,
              vscode.CodeActionKind.QuickFix,
            );
            replace.edit = new vscode.WorkspaceEdit();
            replace.edit.replace(document.uri, diagnostic.range, problem.replacement);
            replace.diagnostics = [diagnostic];
            replace.isPreferred = true;
            actions.push(replace);
          }
          const annotate = new vscode.CodeAction(
            `Annotate with what the capture shows${problem.frames.length ? ' (frames)' : ''}`,
            vscode.CodeActionKind.QuickFix,
          );
          annotate.edit = new vscode.WorkspaceEdit();
          annotate.edit.insert(document.uri, diagnostic.range.end, problem.annotation);
          annotate.diagnostics = [diagnostic];
          actions.push(annotate);
        }
        return actions;
      },
    },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );
}
