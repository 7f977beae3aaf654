import * as vscode from 'vscode';
import { findingMarkdown, renderSection } from '../../core/report/markdown.js';
import { REPORT_SECTIONS, type SectionId } from '../../core/report/sections.js';
import type { Report } from '../../core/schema/generated/report.js';
import { TeamsharkError } from '../../core/util/errors.js';
import type { AnalysisStore } from '../analysis-store.js';
import type { CaptureTreeNode } from '../capture-tree.js';
import { reportFailure } from '../capture-picker.js';
import { isNote, labelOf, linkedCaptures } from './links.js';

/** What "Insert finding into note" takes: a Captures tree item, or a capture and a finding id. */
export type FindingToInsert = CaptureTreeNode | { capture: vscode.Uri; findingId: string };
/** What "Insert report section" takes: a capture and a section id. */
export interface SectionToInsert {
  capture: vscode.Uri;
  section: SectionId;
}

/**
 * "Teamshark: Insert finding into note" and "Teamshark: Insert report section": Markdown with its evidence
 * (frames, display filter) at the cursor of the active note. Without an argument they offer the findings or
 * sections of the note's linked captures (or of every capture analysed in this window) in a quick pick.
 */
export function registerInsertCommands(store: AnalysisStore): vscode.Disposable {
  return vscode.Disposable.from(
    vscode.commands.registerCommand('teamshark.insertFinding', async (given?: FindingToInsert) => {
      try {
        const markdown = given ? findingFromArgument(store, given) : await pickFinding(store);
        return markdown === undefined ? false : await insertIntoNote(markdown);
      } catch (error) {
        reportFailure(error);
        return false;
      }
    }),
    vscode.commands.registerCommand('teamshark.insertReportSection', async (given?: SectionToInsert) => {
      try {
        const markdown = given
          ? renderSection(await store.analyze(given.capture), given.section)
          : await pickSection(store);
        return markdown === undefined ? false : await insertIntoNote(markdown);
      } catch (error) {
        reportFailure(error);
        return false;
      }
    }),
  );
}

function findingFromArgument(store: AnalysisStore, given: FindingToInsert): string | undefined {
  if ('kind' in given) return given.kind === 'outline' ? given.node.markdown : undefined;
  const finding = store.get(given.capture)?.report.findings.find((f) => f.id === given.findingId);
  if (!finding)
    throw new TeamsharkError(
      'finding-not-found',
      `${labelOf(given.capture)} has no finding ${given.findingId} (analyse it first)`,
    );
  return findingMarkdown(finding);
}

/** The note's linked captures, analysed (with consent where needed); otherwise every capture analysed in this window. */
async function candidateReports(store: AnalysisStore): Promise<{ uri: vscode.Uri; report: Report }[]> {
  const document = vscode.window.activeTextEditor?.document;
  const linked = document && isNote(document) ? linkedCaptures(document) : [];
  if (linked.length) return Promise.all(linked.map(async ({ uri }) => ({ uri, report: await store.analyze(uri) })));
  const all = store.all;
  if (!all.length)
    throw new TeamsharkError(
      'no-captures',
      'no capture to take it from: link the note to a capture (capture: ./call.pcapng) or analyse one',
    );
  return all;
}

async function pickFinding(store: AnalysisStore): Promise<string | undefined> {
  const reports = await candidateReports(store);
  const items = reports.flatMap(({ uri, report }) =>
    report.findings.map((finding) => ({
      label: finding.title,
      description: `${finding.section} · ${labelOf(uri)}`,
      detail: finding.detail,
      finding,
    })),
  );
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Teamshark: finding to insert',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked && findingMarkdown(picked.finding);
}

async function pickSection(store: AnalysisStore): Promise<string | undefined> {
  const reports = await candidateReports(store);
  const items = reports.flatMap(({ uri, report }) =>
    REPORT_SECTIONS.map(({ id, title }) => ({
      label: title,
      description: `${report.findings.filter((f) => f.section === id).length} findings · ${labelOf(uri)}`,
      report,
      id,
    })),
  );
  const picked = await vscode.window.showQuickPick(items, { title: 'Teamshark: report section to insert' });
  return picked && renderSection(picked.report, picked.id);
}

/** Inserts at the cursor of the active text editor, on lines of its own; false when no note is open. */
async function insertIntoNote(markdown: string): Promise<boolean> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage('Teamshark: open a note to insert into first.');
    return false;
  }
  const position = editor.selection.active;
  const line = editor.document.lineAt(position.line);
  const before = position.character > 0 && line.text.trim() ? '\n' : '';
  const after = position.character < line.text.length ? '\n' : '';
  return editor.edit((edit) => edit.insert(position, `${before}${markdown}${after}`));
}
