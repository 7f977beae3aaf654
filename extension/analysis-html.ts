import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { escapeHtml, htmlDocument } from '../core/report/html.js';

/**
 * A page of the analysis view. Its Content-Security-Policy allows only the extension's own stylesheet and
 * one script file (by nonce) from media/: no inline script, nothing from the network. Every string that
 * comes from a capture reaches `body` already escaped (the report renderer's job).
 */
export function analysisPage(webview: vscode.Webview, media: vscode.Uri, title: string, body: string): string {
  const nonce = randomBytes(16).toString('base64');
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'analysis.css'));
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'analysis.js'));
  return htmlDocument({
    csp: `default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; script-src 'nonce-${nonce}';`,
    title,
    head: `<link rel="stylesheet" href="${style.toString()}">\n<script nonce="${nonce}" src="${script.toString()}" defer></script>`,
    body: `${body}\n`,
  });
}

/** A page that says what is happening instead of a report: analysing, cancelled, failed. */
export function statusBody(kind: 'analysing' | 'cancelled' | 'error', heading: string, message: string): string {
  const action = kind === 'analysing' ? '' : '<p><button type="button" data-command="reanalyze">Re-analyze</button></p>';
  return `<section class="status status-${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><h1>${escapeHtml(heading)}</h1><p class="message">${escapeHtml(message)}</p>${action}</section>`;
}
