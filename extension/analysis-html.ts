import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { escapeHtml, htmlDocument } from '../core/report/html.js';

/**
 * A page of the analysis view. Its Content-Security-Policy allows only the extension's own stylesheet and
 * two script files by nonce — the Vega runtime with its expression interpreter (dist/webview/vega.js) and
 * media/analysis.js: no inline script, no eval, nothing from the network. Every string that comes from a
 * capture reaches `body` already escaped (the view renderer's job). The body is wrapped in an element whose
 * data-vscode-context names the capture: VS Code passes it to the commands of the view's context menu, and
 * whose data-page is the page's serial number (its script says it with its `ready`).
 */
export function analysisPage(
  webview: vscode.Webview,
  roots: { media: vscode.Uri; webview: vscode.Uri },
  page: { title: string; body: string; capture: vscode.Uri; serial: number },
): string {
  const nonce = randomBytes(16).toString('base64');
  const style = webview.asWebviewUri(vscode.Uri.joinPath(roots.media, 'analysis.css'));
  const vega = webview.asWebviewUri(vscode.Uri.joinPath(roots.webview, 'vega.js'));
  const script = webview.asWebviewUri(vscode.Uri.joinPath(roots.media, 'analysis.js'));
  return htmlDocument({
    csp: `default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; script-src 'nonce-${nonce}';`,
    title: page.title,
    head: `<link rel="stylesheet" href="${style.toString()}">\n<script nonce="${nonce}" src="${vega.toString()}" defer></script>\n<script nonce="${nonce}" src="${script.toString()}" defer></script>`,
    body: `<div class="analysis" data-page="${page.serial}" data-vscode-context="${escapeHtml(JSON.stringify({ capture: page.capture.toString() }))}">\n${page.body}\n</div>\n`,
  });
}

/** A page that says what is happening instead of a report: cancelled, failed. */
export function statusBody(kind: 'cancelled' | 'error', heading: string, message: string): string {
  return `<section class="status status-${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><h1>${escapeHtml(heading)}</h1><p class="message">${escapeHtml(message)}</p><p><button type="button" data-command="reanalyze">Re-analyze</button></p></section>`;
}

/** The page while tshark reads the capture: packets read of the total, time elapsed, and Cancel. */
export function progressBody(heading: string): string {
  return `<section class="status status-analysing" role="status"><h1>${escapeHtml(heading)}</h1>
<progress class="analysis-progress" aria-label="Packets read"></progress>
<p><span class="progress-text">Indexing the capture…</span> · <span class="elapsed">0 s</span></p>
<p><button type="button" data-command="cancel">Cancel</button></p></section>`;
}
