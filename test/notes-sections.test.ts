import * as assert from 'node:assert/strict';
import { sectionNamed } from '../core/notes/headings.js';
import { noteStructure } from '../core/notes/structure.js';
import { renderSection } from '../core/report/markdown.js';
import { REPORT_SECTIONS } from '../core/report/sections.js';
import type { Report } from '../core/schema/generated/report.js';
import { analyzed, sharedCapture } from './helpers.js';

describe("notes: the report's own section Markdown, inserted into a note", function () {
  let report: Report;
  before(async function () {
    report = await analyzed(sharedCapture(this, 'teams.pcap'));
  });

  it('has every heading of each section ("Insert report section") name that section', () => {
    for (const { id } of REPORT_SECTIONS) {
      const markdown = renderSection(report, id);
      const headings = noteStructure(markdown).blocks.filter((b) => b.kind === 'heading');
      assert.ok(headings.length > 1, `${id}: ${headings.length} headings`);
      assert.deepEqual(
        headings.map((h) => [h.text, sectionNamed(h.text)]),
        headings.map((h) => [h.text, id]),
      );
    }
  });
});
