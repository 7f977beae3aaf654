import * as vscode from 'vscode';
import { basename } from 'node:path';
import { analysisPage, progressBody, statusBody } from './analysis-html.js';
import { AnalysisDeclined, type AnalysisStore } from './analysis-store.js';
import { CaptureDocument } from './capture-document.js';
import { isFromView, type RevealTarget, type ToView, type ViewContext } from './view/protocol.js';
import { REVEAL_FRAME_COMMAND } from './capture-tree.js';
import { renderAnalysisBody } from './view/render.js';
import type { Report } from '../core/schema/generated/report.js';

export type { RevealTarget } from './view/protocol.js';

/** What an open analysis view shows; tests read it, the user sees it. */
export type ViewState =
  { kind: 'analysing' } | { kind: 'report' } | { kind: 'cancelled' } | { kind: 'error'; message: string };

interface CaptureView {
  document: CaptureDocument;
  panel: vscode.WebviewPanel;
  state: ViewState;
  /** The report page last shown: a cancelled Re-analyze shows it again. */
  reportBody?: string;
  /** A reveal asked for before the page could take it (still analysing, or its script not yet loaded). */
  pendingReveal?: RevealTarget;
  /** The serial number of the page last set, and its body: a page that announces another number is stale. */
  page: number;
  body: string;
  /** The page last set has announced itself. */
  ready: boolean;
  /** How many times the page last set has been set again for want of its announcement. */
  retries: number;
  /** The view's state changed while its page had not yet announced itself: the new page waits for that. */
  deferred: boolean;
  closed?: boolean;
}

/**
 * How long a page may take to announce itself before it is set again, doubled at each try. A page announces
 * itself once loaded (after its `load` event), and a new page is set only then: the webview host keeps one
 * load timer for all its frames, so a page's late `load` cancelled the swap to the page set after it, which
 * then ran its script unseen while the old page stayed (a progress page counting "59 s" over "not analysed",
 * 2 runs in ~80 of the untrusted-workspace UI test; once "181 s" over a report). A page that does not
 * announce itself in time is set again, or replaced if the view has moved on.
 */
const PAGE_ANNOUNCE_MS = 3_000;
/** How long a view waits for its report before showing the progress page: a cached one comes within it. */
const CACHED_REPORT_MS = 150;
/** Tries after the first (3 + 6 + 12 + 24 + 48 s): a page that never loads is not set forever. */
const PAGE_RETRIES = 5;

/**
 * The read-only editor for .pcap, .pcapng and .cap files: opening a capture shows its analysis (verdicts,
 * sections, findings, chart) instead of bytes. Each capture is one CaptureDocument owning its analysis.
 */
export class CaptureEditorProvider implements vscode.CustomReadonlyEditorProvider<CaptureDocument>, vscode.Disposable {
  static readonly viewType = 'teamshark.capture';
  private readonly views = new Map<string, Set<CaptureView>>();
  /** Each report's page body, made once: reopening a cached capture skips rendering its tables and chart again. */
  private readonly bodies = new WeakMap<Report, string>();
  private readonly progress: vscode.Disposable;

  constructor(
    private readonly store: AnalysisStore,
    private readonly roots: { media: vscode.Uri; webview: vscode.Uri },
  ) {
    this.progress = store.onDidProgress(({ uri, packets, total, elapsedMs }) => {
      for (const view of this.views.get(uri.toString()) ?? []) {
        if (view.state.kind === 'analysing') this.send(view, { type: 'progress', packets, total, elapsedMs });
      }
    });
  }

  static register(
    store: AnalysisStore,
    roots: { media: vscode.Uri; webview: vscode.Uri },
  ): { provider: CaptureEditorProvider; registration: vscode.Disposable } {
    const provider = new CaptureEditorProvider(store, roots);
    const registration = vscode.window.registerCustomEditorProvider(CaptureEditorProvider.viewType, provider, {
      webviewOptions: { retainContextWhenHidden: true, enableFindWidget: true },
      supportsMultipleEditorsPerDocument: true,
    });
    return { provider, registration: vscode.Disposable.from(registration, provider) };
  }

  openCustomDocument(uri: vscode.Uri): CaptureDocument {
    return new CaptureDocument(uri, this.store);
  }

  resolveCustomEditor(document: CaptureDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [this.roots.media, this.roots.webview],
    };
    const view: CaptureView = {
      document,
      panel,
      state: { kind: 'analysing' },
      page: 0,
      body: '',
      ready: false,
      retries: 0,
      deferred: false,
    };
    const key = document.uri.toString();
    const views = this.views.get(key) ?? new Set();
    views.add(view);
    this.views.set(key, views);
    const messages = panel.webview.onDidReceiveMessage((message: unknown) => {
      if (!isFromView(message)) return;
      switch (message.type) {
        case 'reanalyze':
          void this.reanalyze(document.uri);
          break;
        case 'cancel':
          // A Cancel on a page that is not the view's state is a stale page's: show what the view holds now.
          if (view.state.kind === 'analysing') document.cancel();
          else this.render(view, view.state, view.body);
          break;
        case 'exportMarkdown':
          void vscode.commands.executeCommand('teamshark.exportMarkdown', document.uri);
          break;
        // A click on a frame or a filter runs what its context menu runs, with the same kind of argument.
        case 'revealFrame':
          void vscode.commands.executeCommand(REVEAL_FRAME_COMMAND, { ...this.contextOf(document), ...message });
          break;
        case 'copyFilter':
          void vscode.commands.executeCommand('teamshark.copyFilter', { ...this.contextOf(document), ...message });
          break;
        case 'ready':
          // A replaced page announcing itself is still shown: the page last set is watched for its own.
          if (message.page !== view.page) break;
          view.ready = true;
          if (view.deferred) this.setPage(view);
          else if (view.pendingReveal && view.state.kind === 'report') this.post(view, view.pendingReveal);
          break;
      }
    });
    // A hidden view's page may not load until it is shown: it is watched again from then.
    const shown = panel.onDidChangeViewState(() => {
      if (!panel.visible || view.ready) return;
      view.retries = 0;
      this.watchAnnouncement(view);
    });
    panel.onDidDispose(() => {
      view.closed = true;
      messages.dispose();
      shown.dispose();
      views.delete(view);
      if (views.size === 0) this.views.delete(key);
    });
    // Not awaited: the editor opens at once with its progress page (openWith resolves), the report follows.
    void this.show(view, false);
  }

  /** What VS Code would pass to a `webview/context` command of this view, before the element's own context. */
  private contextOf(document: CaptureDocument): ViewContext {
    return { webview: CaptureEditorProvider.viewType, capture: document.uri.toString() };
  }

  /** Analyses the capture again and refreshes every view of it. */
  async reanalyze(uri: vscode.Uri): Promise<void> {
    const views = [...(this.views.get(uri.toString()) ?? [])];
    if (views.length === 0) {
      await this.store.analyze(uri, { force: true });
      return;
    }
    const [first, ...others] = views;
    await this.show(first!, true);
    await Promise.all(others.map((view) => this.show(view, false)));
  }

  /** Stops the analysis of a capture that its views are waiting for (the view's Cancel button). */
  cancel(uri: vscode.Uri): void {
    for (const view of this.views.get(uri.toString()) ?? []) view.document.cancel();
  }

  /** Shows an entry of the report: its row (by outline id), else its section or text. */
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
    this.send(view, { type: 'reveal', target });
  }

  private send(view: CaptureView, message: ToView): void {
    void view.panel.webview.postMessage(message);
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

  private async show(view: CaptureView, force: boolean): Promise<void> {
    const { uri } = view.document;
    const name = basename(uri.fsPath);
    const analysis = view.document.analysis(force);
    // A cached report comes at once: its page is then the first set, not one waiting for a progress page to load.
    const settled = await Promise.race([
      analysis.then(
        () => true,
        () => true,
      ),
      new Promise<false>((resolve) => setTimeout(resolve, CACHED_REPORT_MS, false)),
    ]);
    if (!settled) this.render(view, { kind: 'analysing' }, progressBody(`Analysing ${name}…`));
    try {
      const report = await analysis;
      view.reportBody = this.bodies.get(report) ?? renderAnalysisBody(report, uri.fsPath);
      this.bodies.set(report, view.reportBody);
      this.render(view, { kind: 'report' }, view.reportBody);
    } catch (error) {
      if (error instanceof vscode.CancellationError) {
        if (view.reportBody) this.render(view, { kind: 'report' }, view.reportBody);
        else
          this.render(
            view,
            { kind: 'cancelled' },
            statusBody('cancelled', `Analysis of ${name} cancelled`, 'tshark was stopped before it finished.'),
          );
        return;
      }
      const message = error instanceof AnalysisDeclined ? error.message : (error as Error).message;
      this.render(view, { kind: 'error', message }, statusBody('error', `Cannot analyse ${name}`, message));
      if (!(error instanceof AnalysisDeclined)) void vscode.window.showErrorMessage(`Teamshark: ${message}`);
    }
  }

  /** Shows a state: its page is set now, or as soon as the page before it has announced itself. */
  private render(view: CaptureView, state: ViewState, body: string): void {
    if (view.closed) return;
    view.state = state;
    view.body = body;
    if (view.page > 0 && !view.ready) view.deferred = true;
    else this.setPage(view);
  }

  private setPage(view: CaptureView, retries = 0): void {
    view.page += 1;
    view.ready = false; // a new page: its script announces itself again
    view.retries = retries;
    view.deferred = false;
    view.panel.webview.html = analysisPage(view.panel.webview, this.roots, {
      title: `Teamshark: ${basename(view.document.uri.fsPath)}`,
      body: view.body,
      capture: view.document.uri,
      serial: view.page,
    });
    this.watchAnnouncement(view);
  }

  /** Sets the view's page (again, or its new state's) if it has not announced itself in time, while visible. */
  private watchAnnouncement(view: CaptureView): void {
    const page = view.page;
    setTimeout(
      () => {
        if (view.closed || view.ready || view.page !== page || !view.panel.visible) return;
        if (view.deferred) this.setPage(view);
        else if (view.retries < PAGE_RETRIES) this.setPage(view, view.retries + 1);
      },
      PAGE_ANNOUNCE_MS * 2 ** view.retries,
    );
  }

  dispose(): void {
    this.progress.dispose();
  }
}
