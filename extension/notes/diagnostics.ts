import * as vscode from 'vscode';
import { checkNote, type NoteProblem } from '../../core/notes/claims.js';
import type { LinkedReport } from '../../core/notes/capture-facts.js';
import { readFrontMatter } from '../../core/notes/front-matter.js';
import { AnalysisDeclined, type AnalysisStore } from '../analysis-store.js';
import { isNote, labelOf, linkedCaptures } from './links.js';

/** Typing pauses this long before a note is checked again. */
const DEBOUNCE_MS = 400;

export const DIAGNOSTIC_SOURCE = 'teamshark';

/**
 * The Problems entries of notes: statements the linked captures contradict (core/notes/claims.ts), links to
 * captures that could not be analysed, and Markdown front matter that is not valid YAML. A note is checked
 * when it opens, after edits (debounced) and when one of its captures is analysed again. Linked captures are
 * analysed through the store, so an untrusted workspace asks first, as for any other analysis.
 */
export class NoteDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('teamshark-notes');
  private readonly problems = new Map<string, { version: number; problems: NoteProblem[] }>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly checked = new vscode.EventEmitter<vscode.Uri>();
  /** Fires after a note's diagnostics were replaced (tests wait for it). */
  readonly onDidCheck = this.checked.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly store: AnalysisStore) {
    this.subscriptions = [
      this.collection,
      this.checked,
      vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)),
      vscode.workspace.onDidChangeTextDocument(({ document }) => this.schedule(document, DEBOUNCE_MS)),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      store.onDidChange((capture) => {
        for (const document of vscode.workspace.textDocuments) {
          if (isNote(document) && linkedCaptures(document).some((l) => l.uri.toString() === capture.toString()))
            this.schedule(document, DEBOUNCE_MS);
        }
      }),
    ];
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  /** The problems behind the diagnostics of a note, as last checked. */
  problemsOf(document: vscode.TextDocument): NoteProblem[] {
    return this.problems.get(document.uri.toString())?.problems ?? [];
  }

  /** Checks the note now (the notes tests call this to skip the debounce); resolves when diagnostics are set. */
  async check(document: vscode.TextDocument): Promise<void> {
    const links = linkedCaptures(document);
    const version = document.version;
    const reports: LinkedReport[] = [];
    const diagnostics: vscode.Diagnostic[] = [];
    for (const link of links) {
      try {
        // The store's cache makes this instant for a capture analysed before; a store change re-checks the note.
        reports.push({
          label: labelOf(link.uri),
          report: this.store.get(link.uri)?.report ?? (await this.store.analyze(link.uri)),
        });
      } catch (error) {
        if (error instanceof vscode.CancellationError) continue;
        const diagnostic = new vscode.Diagnostic(
          link.range,
          `${labelOf(link.uri)} was not analysed: ${error instanceof AnalysisDeclined ? 'the workspace is not trusted' : (error as Error).message}`,
          vscode.DiagnosticSeverity.Information,
        );
        diagnostic.source = DIAGNOSTIC_SOURCE;
        diagnostics.push(diagnostic);
      }
    }
    if (document.isClosed || document.version !== version) return; // edited meanwhile: the next check has it
    for (const problem of frontMatterProblems(document)) {
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(document.positionAt(problem.start), document.positionAt(problem.end)),
        problem.message,
        vscode.DiagnosticSeverity.Warning,
      );
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = 'front-matter';
      diagnostics.push(diagnostic);
    }
    const problems = checkNote(document.getText(), reports);
    for (const problem of problems) {
      const severity = problem.kind.startsWith('unseen')
        ? vscode.DiagnosticSeverity.Information
        : vscode.DiagnosticSeverity.Warning;
      const diagnostic = new vscode.Diagnostic(
        new vscode.Range(document.positionAt(problem.start), document.positionAt(problem.end)),
        problem.message,
        severity,
      );
      diagnostic.source = DIAGNOSTIC_SOURCE;
      diagnostic.code = problem.kind;
      diagnostics.push(diagnostic);
    }
    this.problems.set(document.uri.toString(), { version, problems });
    this.collection.set(document.uri, diagnostics);
    this.checked.fire(document.uri);
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isNote(document) || document.uri.scheme === 'git' || document.uri.scheme === 'output') return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    // Never linked and nothing to say about its front matter: nothing to check or clear.
    if (!linkedCaptures(document).length && !frontMatterProblems(document).length && !this.problems.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        void this.check(document);
      }, delay),
    );
  }

  private forget(uri: vscode.Uri): void {
    clearTimeout(this.timers.get(uri.toString()));
    this.timers.delete(uri.toString());
    this.problems.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

/**
 * YAML the front matter cannot be read as, and capture keys of the wrong shape. Markdown only: in a plain-text
 * file, lines between two "---" are as likely prose as front matter.
 */
function frontMatterProblems(document: vscode.TextDocument) {
  return document.languageId === 'markdown' ? (readFrontMatter(document.getText())?.problems ?? []) : [];
}
