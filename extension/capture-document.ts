import * as vscode from 'vscode';
import type { Report } from '../core/schema/generated/report.js';
import type { AnalysisStore } from './analysis-store.js';

/**
 * A capture opened in the analysis editor. The document owns its analysis: VS Code disposes it when the last
 * tab on the capture closes, and that cancels the analysis (tshark stops unless the tree or a command still
 * waits for the same capture) and lets the store drop the report from memory (unless the tree shows it).
 */
export class CaptureDocument implements vscode.CustomDocument {
  private cancellation = new vscode.CancellationTokenSource();
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  private readonly view: vscode.Disposable;

  constructor(
    readonly uri: vscode.Uri,
    private readonly store: AnalysisStore,
  ) {
    this.view = store.openView(uri);
  }

  /** The report (cached unless `force`); rejects with vscode.CancellationError when cancelled or closed. */
  async analysis(force: boolean): Promise<Report> {
    return await this.store.analyze(this.uri, { force, token: this.cancellation.token });
  }

  /** Stops the analysis under way (the view's Cancel); a later analysis gets a fresh token. */
  cancel(): void {
    this.cancellation.cancel();
    this.cancellation.dispose();
    this.cancellation = new vscode.CancellationTokenSource();
  }

  dispose(): void {
    this.cancellation.cancel();
    this.cancellation.dispose();
    this.view.dispose();
    this.disposed.fire();
    this.disposed.dispose();
  }
}
