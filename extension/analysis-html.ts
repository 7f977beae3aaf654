import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { escapeHtml } from '../core/report/html.js';

/**
 * A page of the analysis view. Its Content-Security-Policy allows only the extension's own stylesheet and
 * one script file (by nonce) from media/: no inline script, nothing from the network. Every string that
 * comes from a capture reaches `body` already escaped (the report renderer's job).
 */
export function analysisPage(webview: vscode.Webview, media: vscode.Uri, title: string, body: string): string {
  const nonce = randomBytes(16).toString('base64');
  const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'analysis.css'));
  const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'analysis.js'));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; img-src ${webview.cspSource} data:; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${style.toString()}">
<script nonce="${nonce}" src="${script.toString()}" defer></script>
</head>
<body>
${body}
</body>
</html>`;
}

/** A page that says what is happening instead of a report: analysing, cancelled, failed. */
export function statusBody(kind: 'analysing' | 'cancelled' | 'error', heading: string, message: string): string {
  const action = kind === 'analysing' ? '' : '<p><button type="button" data-command="reanalyze">Re-analyze</button></p>';
  return `<section class="status status-${kind}" role="${kind === 'error' ? 'alert' : 'status'}"><h1>${escapeHtml(heading)}</h1><p class="message">${escapeHtml(message)}</p>${action}</section>`;
}
