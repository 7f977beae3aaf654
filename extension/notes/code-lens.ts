import * as vscode from 'vscode';
import { sectionHeadings } from '../../core/notes/headings.js';
import type { SectionId } from '../../core/report/sections.js';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureEditorProvider } from '../capture-editor.js';
import { showInAnalysis } from '../commands/tree-actions.js';
import { labelOf, linkedCaptures } from './links.js';
import { count } from '../../core/util/plural.js';

const SHOW_SECTION = 'teamshark.showNoteSection';

/**
 * "N findings in call.pcapng" above each heading of a linked note that names a report section ("Security",
 * "TLS servers", "Name resolution"…, whole phrases: core/notes/headings.ts); clicking it reveals that section in
 * the capture's analysis.
 */
export function registerNoteCodeLenses(store: AnalysisStore, editor: CaptureEditorProvider): vscode.Disposable {
  const changed = new vscode.EventEmitter<void>();
  const provider: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(document) {
      const captures = linkedCaptures(document).filter(({ uri }) => store.get(uri));
      if (!captures.length) return [];
      return sectionHeadings(document.getText()).flatMap((heading) =>
        captures.map(({ uri }) => {
          const findings = store.get(uri)!.report.findings.filter((f) => f.section === heading.section).length;
          const range = new vscode.Range(document.positionAt(heading.start), document.positionAt(heading.end));
          return new vscode.CodeLens(range, {
            title: `${count(findings, 'finding')} in ${labelOf(uri)}`,
            command: SHOW_SECTION,
            arguments: [uri, heading.section],
          });
        }),
      );
    },
  };
  return vscode.Disposable.from(
    changed,
    store.onDidChange(() => changed.fire()),
    vscode.languages.registerCodeLensProvider([{ language: 'markdown' }], provider),
    vscode.commands.registerCommand(SHOW_SECTION, (uri: vscode.Uri, section: SectionId) =>
      showInAnalysis(editor, uri, { section }, false),
    ),
  );
}
