import MarkdownIt from 'markdown-it';
import type { Report } from '../schema/generated/report.js';
import { plainText } from './escape.js';
import { renderMarkdown } from './markdown.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{background:#f6f8fa;padding:0 3px;border-radius:3px;font-size:12px}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
figure{margin:1em 0}li{margin:.3em 0}`;

/**
 * The report as one self-contained HTML page: the Markdown report rendered with raw HTML disabled (every
 * capture-derived string is already escaped there), the chart inlined as SVG, no script, and a
 * Content-Security-Policy that forbids loading anything.
 */
export function renderHtml(report: Report, chartSvg: string): string {
  const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
  const body = markdown.render(renderMarkdown(report));
  const title = markdown.utils.escapeHtml(plainText(`Teamshark report: ${report.capture.file}`));
  const firstHeading = body.indexOf('<h2>');
  const chart = `<figure>${chartSvg}</figure>\n`;
  const withChart = firstHeading < 0 ? body + chart : body.slice(0, firstHeading) + chart + body.slice(firstHeading);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
${withChart}</body>
</html>
`;
}
