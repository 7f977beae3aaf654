import { basename } from 'node:path';
import { clientsDecided } from '../../core/report/clients.js';
import type { Report } from '../../core/schema/generated/report.js';
import { viewChartSpec } from './chart.js';
import { esc, framesHtml } from './html-table.js';
import { sectionHtml, tocEntry, VIEW_SECTIONS } from './sections.js';
import { VERDICTS } from './verdicts.js';

/**
 * The analysis view's body: the file name as title (path on hover), the verdicts first, a sticky table of
 * contents with counts, the interactive chart, then the sections (collapsed) with their findings and tables.
 * Every capture-derived string is escaped here; the chart's data travels as JSON in a data block.
 */
export function renderAnalysisBody(report: Report, path: string): string {
  const verdicts = VERDICTS.map((rule) => rule(report))
    .map(
      (v) =>
        `<li class="verdict tone-${v.tone}"><button type="button" class="reveal-link" data-target="${esc(JSON.stringify(v.target))}"${v.tooltip ? ` title="${esc(v.tooltip)}"` : ''}><span class="verdict-label">${esc(v.label)}</span> <span class="verdict-text">${esc(v.text)}</span></button></li>`,
    )
    .join('\n');
  const { capture } = report;
  const facts = [
    ['Packets', capture.packets.toLocaleString('en')],
    ['Bytes', capture.bytes.toLocaleString('en')],
    ['Duration', `${capture.durationSec.toFixed(1)} s`],
    ['Start', capture.start ?? '–'],
    ['tshark', capture.tshark.version],
    ['Clients', clientsDecided(report)],
  ];
  const toc = [
    { id: 'section-summary', title: 'Summary', count: String(VERDICTS.length) },
    ...VIEW_SECTIONS.map((s) => tocEntry(report, s)),
  ]
    .map(
      (entry) =>
        `<a href="#${entry.id}">${esc(entry.title)}${entry.count ? ` <span class="count">${esc(entry.count)}</span>` : ''}</a>`,
    )
    .join('');
  const warnings = report.warnings.length
    ? `<h3 data-keys="warnings">Warnings</h3><ul class="warnings">${report.warnings.map((w) => `<li>${esc(w.message)}${w.frames?.length ? ` <span class="evidence">frames ${framesHtml(w.frames)}</span>` : ''}</li>`).join('')}</ul>`
    : '';
  const chart = JSON.stringify(viewChartSpec(report)).replace(/</g, '\\u003c');
  return `<header class="view-header">
<h1 title="${esc(path)}">${esc(basename(path))}</h1>
<p class="capture-facts">${facts.map(([k, v]) => `<span><span class="muted">${esc(k!)}</span> ${esc(v!)}</span>`).join(' ')}</p>
</header>
<nav class="toc" aria-label="Sections">${toc}<span class="brush-status" hidden></span></nav>
<section class="report-section summary" id="section-summary" data-keys="section/summary"><details open><summary><h2>Summary <span class="count">answers first; click one for its evidence</span></h2></summary>
<ul class="verdicts">${verdicts}</ul>
${warnings}
<figure class="chart"><div class="chart-canvas" aria-label="Packets per second by protocol, with activity windows and call phases; drag to filter the tables to a time range"></div><figcaption class="muted">Drag across the chart to filter the tables to that time range; double-click to clear.</figcaption></figure>
<script type="application/json" id="chart-spec">${chart}</script>
</details></section>
${VIEW_SECTIONS.map((section) => sectionHtml(report, section)).join('\n')}
`;
}
