import assert from 'node:assert/strict';
import { reportOutline, type OutlineNode } from '../core/report/outline.js';
import { analyzed, sharedCapture, tsharkFrames } from './helpers.js';

function* walk(nodes: readonly OutlineNode[]): Generator<OutlineNode> {
  for (const node of nodes) {
    yield node;
    if (node.children) yield* walk(node.children);
  }
}

// The outline is what the VS Code tree shows: every item there carries evidence a user can check in Wireshark.
describe('report outline (the Captures tree)', function () {
  it('has the six sections in report order, each grouping its findings and items', async function () {
    const report = await analyzed(sharedCapture(this, 'teams.pcap'));
    const outline = reportOutline(report);
    assert.deepEqual(
      outline.map((s) => s.label),
      ['DNS', 'Network', 'Transport', 'Security', 'Application', 'Call quality'],
    );
    const groups = Object.fromEntries(outline.map((s) => [s.label, s.children!.map((g) => g.label)]));
    assert.deepEqual(groups.DNS, ['Findings', 'Names looked up']);
    assert.deepEqual(groups.Security, ['Findings', 'TLS handshakes', 'Certificates']);
    const findings = outline.flatMap((s) =>
      s.children!.filter((g) => g.label === 'Findings').flatMap((g) => g.children!),
    );
    assert.equal(findings.length, report.findings.length, 'every finding is in the tree once');
    const ids = [...walk(outline)].map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique (VS Code needs that to keep the tree state)');
  });

  it("an item's display filter shows its frames (tshark checks the first items of each kind)", async function () {
    const path = sharedCapture(this, 'teams.pcap');
    const items = [...walk(reportOutline(await analyzed(path)))].filter(
      (n) => n.kind !== 'section' && n.kind !== 'group' && n.kind !== 'finding',
    );
    const sample = [...new Set(items.map((n) => n.kind))].flatMap((kind) =>
      items.filter((n) => n.kind === kind && n.frames?.length).slice(0, 3),
    );
    assert.ok(sample.length >= 15, `only ${sample.length} items to check`);
    for (const node of sample) {
      assert.ok(node.filter, `${node.id} has frames but no filter`);
      const shown = new Set(await tsharkFrames(path, node.filter!));
      const missing = node.frames!.filter((frame) => !shown.has(frame));
      assert.deepEqual(missing, [], `${node.id}: filter ${node.filter} does not show frames ${missing.join(', ')}`);
    }
  });

  it('keeps capture text on one line and its Markdown inert', async function () {
    const report = await analyzed(sharedCapture(this, 'teams.pcap'));
    for (const node of walk(reportOutline(report))) {
      // eslint-disable-next-line no-control-regex -- the control characters are what the check looks for
      assert.doesNotMatch(`${node.label}${node.description ?? ''}`, /[\x00-\x1f\x7f]/, node.id);
      if (node.markdown) assert.match(node.markdown, /^- \*\*.*\*\*.*\\\n {2}(Frames [\d, ]+ · )?filter `/s, node.id);
    }
  });
});
