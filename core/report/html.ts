import MarkdownIt from 'markdown-it';
import type { Report } from '../schema/generated/report.js';
import { plainText } from './escape.js';
import { renderMarkdown } from './markdown.js';
import { sectionTitle } from './sections.js';

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1f2328}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{background:#f6f8fa;padding:0 3px;border-radius:3px;font-size:12px}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:2em}
figure{margin:1em 0}li{margin:.3em 0}`;

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.core.ruler.push('section_ids', (state) => {
  state.tokens.forEach((token, index) => {
    if (token.type === 'heading_open' && token.tag === 'h2') {
      const title = state.tokens[index + 1]?.content ?? '';
      token.attrSet('id', headingId(title));
    }
  });
});

/** A section heading's id: `section-` and its title in lower case, words joined by dashes. */
function headingId(title: string): string {
  return `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
}

/**
 * The report's body as HTML: the Markdown report rendered with raw HTML disabled (every capture-derived
 * string is already escaped there) and the chart inlined as SVG before the first section. Each section
 * heading gets an id (`section-dns`…) so views can link to it.
 */
export function renderReportBody(report: Report, chartSvg: string, qualityChartSvg?: string): string {
  const body = withQualityChart(markdown.render(renderMarkdown(report)), qualityChartSvg);
  const firstHeading = body.indexOf('<h2');
  const chart = `<figure>${chartSvg}</figure>\n`;
  return firstHeading < 0 ? body + chart : body.slice(0, firstHeading) + chart + body.slice(firstHeading);
}

/** The loss-and-jitter chart at the head of the Call quality section's tables (before its first sub-heading). */
function withQualityChart(body: string, svg: string | undefined): string {
  const section = body.indexOf(`<h2 id="${headingId(sectionTitle('quality'))}"`);
  const tables = section < 0 ? -1 : body.indexOf('<h3', section);
  if (!svg || tables < 0) return body;
  return `${body.slice(0, tables)}<figure>${svg}</figure>\n${body.slice(tables)}`;
}

/** The report as one self-contained HTML page: no script, and a CSP that forbids loading anything. */
export function renderHtml(report: Report, chartSvg: string, qualityChartSvg?: string): string {
  return htmlDocument({
    csp: "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
    title: `Teamshark report: ${report.capture.file}`,
    head: `<style>${STYLE}</style>`,
    body: renderReportBody(report, chartSvg, qualityChartSvg),
  });
}

/**
 * An HTML page with its Content-Security-Policy. `title` is plain text (escaped here); `head` and `body`
 * are HTML whose capture-derived strings are already escaped.
 */
export function htmlDocument(page: { csp: string; title: string; head: string; body: string }): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${page.csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(plainText(page.title))}</title>
${page.head}
</head>
<body>
${page.body}</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return markdown.utils.escapeHtml(text);
}
