import * as vscode from 'vscode';
import { basename } from 'node:path';
import { packetsPerSecondSpec, renderSvg } from '../core/report/charts.js';
import { qualityChartSvg } from '../core/report/quality-chart.js';
import { renderReportBody } from '../core/report/html.js';
import type { OutlineSection } from '../core/report/outline.js';
import { analysisPage, statusBody } from './analysis-html.js';
import { AnalysisDeclined, type AnalysisStore } from './analysis-store.js';

/** What an open analysis view shows; tests read it, the user sees it. */
export type ViewState = { kind: 'analysing' } | { kind: 'report' } | { kind: 'cancelled' } | { kind: 'error'; message: string };

interface CaptureView {
  panel: vscode.WebviewPanel;
  state: ViewState;
  /** A reveal asked for before the page could take it (still analysing, or its script not yet loaded). */
  pendingReveal?: RevealTarget;
  ready: boolean;
}

export interface RevealTarget {
  section?: OutlineSection;
  text?: string;
}

/**
 * The read-only editor for .pcap, .pcapng and .cap files: opening a capture shows its analysis (summary,
 * sections, findings, chart) instead of bytes.
 */
export class CaptureEditorProvider implements vscode.CustomReadonlyEditorProvider {
  static readonly viewType = 'teamshark.capture';
  private readonly views = new Map<string, Set<CaptureView>>();

  constructor(
    private readonly store: AnalysisStore,
    private readonly media: vscode.Uri,
  ) {}

  static register(store: AnalysisStore, media: vscode.Uri): { provider: CaptureEditorProvider; registration: vscode.Disposable } {
    const provider = new CaptureEditorProvider(store, media);
    const registration = vscode.window.registerCustomEditorProvider(CaptureEditorProvider.viewType, provider, {
      webviewOptions: { retainContextWhenHidden: true, enableFindWidget: true },
      supportsMultipleEditorsPerDocument: true,
    });
    return { provider, registration };
  }

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(document: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [this.media] };
    const view: CaptureView = { panel, state: { kind: 'analysing' }, ready: false };
    const key = document.uri.toString();
    const views = this.views.get(key) ?? new Set();
    views.add(view);
    this.views.set(key, views);
    const messages = panel.webview.onDidReceiveMessage((message: { command?: string }) => {
      if (message?.command === 'reanalyze') void this.show(document.uri, view, true);
      if (message?.command === 'ready') {
        view.ready = true;
        if (view.pendingReveal && view.state.kind === 'report') this.post(view, view.pendingReveal);
      }
    });
    panel.onDidDispose(() => {
      messages.dispose();
      views.delete(view);
      if (views.size === 0) this.views.delete(key);
    });
    await this.show(document.uri, view, false);
  }

  /** Analyses the capture again and refreshes every view of it. */
  async reanalyze(uri: vscode.Uri): Promise<void> {
    const views = [...(this.views.get(uri.toString()) ?? [])];
    if (views.length === 0) {
      await this.store.analyze(uri, { force: true });
      return;
    }
    const [first, ...others] = views;
    await this.show(uri, first!, true);
    await Promise.all(others.map((view) => this.show(uri, view, false)));
  }

  /** Shows an entry of the report: its section, and the first element there holding `text`. */
  reveal(uri: vscode.Uri, target: RevealTarget): boolean {
    const views = this.views.get(uri.toString());
    if (!views?.size) return false;
    for (const view of views) {
      if (view.ready && view.state.kind === 'report') this.post(view, target);
      else view.pendingReveal = target;
    }
    return true;
  }

  private post(view: CaptureView, target: RevealTarget): void {
    view.pendingReveal = undefined;
    void view.panel.webview.postMessage({ type: 'reveal', ...target });
  }

  /** The state of the views of a capture (for tests and for commands that need the active capture). */
  statesOf(uri: vscode.Uri): ViewState[] {
    return [...(this.views.get(uri.toString()) ?? [])].map((view) => view.state);
  }

  /** The capture of the active analysis view, if the active editor is one. */
  get activeCapture(): vscode.Uri | undefined {
    for (const [key, views] of this.views) {
      if ([...views].some((view) => view.panel.active)) return vscode.Uri.parse(key);
    }
    return undefined;
  }

  private async show(uri: vscode.Uri, view: CaptureView, force: boolean): Promise<void> {
    const name = basename(uri.fsPath);
    this.render(view, { kind: 'analysing' }, statusBody('analysing', `Analysing ${name}…`, 'tshark is decoding the capture; progress and Cancel are in the notification.'));
    try {
      const report = await this.store.analyze(uri, { force });
      const chart = await renderSvg(packetsPerSecondSpec(report.timeline, `Packets per second: ${name}`));
      this.render(view, { kind: 'report' }, renderReportBody(report, chart, await qualityChartSvg(report, `Loss and jitter: ${name}`)));
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        this.render(view, { kind: 'cancelled' }, statusBody('cancelled', `Analysis of ${name} cancelled`, 'tshark was stopped before it finished.'));
        return;
      }
      const message = error instanceof AnalysisDeclined ? error.message : (error as Error).message;
      this.render(view, { kind: 'error', message }, statusBody('error', `Cannot analyse ${name}`, message));
      if (!(error instanceof AnalysisDeclined)) void vscode.window.showErrorMessage(`Teamshark: ${message}`);
    }
  }

  private render(view: CaptureView, state: ViewState, body: string): void {
    view.state = state;
    view.ready = false; // a new page: its script announces itself again
    view.panel.webview.html = analysisPage(view.panel.webview, this.media, `Teamshark: ${basename(view.panel.title)}`, body);
  }
}
