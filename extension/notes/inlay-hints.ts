import * as vscode from 'vscode';
import type { NoteDiagnostics } from './diagnostics.js';
import { NOTE_SELECTOR } from './links.js';

/**
 * What the capture shows, written right after each contradicted statement of a note (e.g. "teams.pcap: TLS 1.2,
 * frames 26, 186, 931"), so the truth is visible without hovering the squiggle.
 */
export function registerNoteInlayHints(diagnostics: NoteDiagnostics): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.InlayHintsProvider = {
    onDidChangeInlayHints: changed.event,
    provideInlayHints(document, range) {
      return diagnostics
        .problemsOf(document)
        .map((problem) => ({ problem, position: document.positionAt(problem.end) }))
        .filter(({ position }) => range.contains(position))
        .map(({ problem, position }) => {
          const hint = new vscode.InlayHint(position, `≠ ${problem.annotation.trim().replace(/^\((.*)\)$/, '$1')}`);
          hint.tooltip = problem.message;
          hint.paddingLeft = true;
          return hint;
        });
    },
  };
  return vscode.Disposable.from(
    changed,
    diagnostics.onDidCheck(() => changed.fire()),
    vscode.languages.registerInlayHintsProvider(NOTE_SELECTOR, provider),
  );
}
