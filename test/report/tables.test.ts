import assert from 'node:assert/strict';
import type { Report } from '../../core/schema/generated/report.js';
import { markdownTable } from '../../core/report/markdown-table.js';
import { seconds, type ItemTable } from '../../core/report/tables/table.js';
import { viewTable } from '../../extension/view/html-table.js';

// One table definition, two renderings: what each renderer makes of a column's header, unit, kind and
// per-renderer options. The rows come from the report the renderer is given; here a list stands in for it.
interface Host {
  name: string;
  bytes: number;
  seen: number;
  filter: string;
}

const hostsOf = (report: Report) => (report as unknown as { hosts: Host[] }).hosts;
const reportWith = (hosts: Host[]) => ({ hosts }) as unknown as Report;

const HOSTS: ItemTable<Host> = {
  id: 'hosts',
  title: 'Hosts',
  section: 'network',
  rows: hostsOf,
  item: (h) => `network/host/${h.name}`,
  columns: [
    { header: 'Name', value: (h) => h.name },
    { header: 'Bytes', kind: 'num', value: (h) => h.bytes },
    { header: 'First seen', unit: 's', kind: 'num', value: (h) => seconds(h.seen) },
    { header: 'Filter', kind: 'code', value: (h) => h.filter, view: false },
    { header: 'Note', value: () => 'view only', markdown: false },
  ],
  markdown: { capped: true },
};

const host = (index: number): Host => ({
  name: `host-${index}_x|y`,
  bytes: 1234567 + index,
  seen: index / 8,
  filter: `ip.addr == 10.0.0.${index}`,
});

describe('report table definitions (core/report/tables/)', function () {
  describe('in Markdown', function () {
    it('heads each column with its unit, escapes text, puts code in code and leaves markdown: false columns out', function () {
      const [heading, blank, table] = markdownTable(HOSTS, reportWith([host(1)]));
      assert.equal(heading, '### Hosts');
      assert.equal(blank, '');
      assert.equal(
        table,
        '| Name | Bytes | First seen (s) | Filter |\n|---|---|---|---|\n' +
          '| host-1\\_x\\|y | 1234568 | 0.125 | `ip.addr == 10.0.0.1` |\n',
      );
    });

    it('shows a capped table’s first 40 rows and says how many the JSON report has', function () {
      const lines = markdownTable(HOSTS, reportWith(Array.from({ length: 45 }, (_, i) => host(i))));
      const table = lines[2]!;
      assert.equal(table.split('\n').filter((line) => line.startsWith('| host-')).length, 40);
      assert.match(table, /\*40 of 45 shown; the JSON report \(`--format json`\) has all\.\*\n$/);
    });

    it('leaves an empty table out, heading and all, unless it is shown empty', function () {
      assert.deepEqual(markdownTable(HOSTS, reportWith([])), []);
      assert.deepEqual(markdownTable({ ...HOSTS, shownEmpty: true }, reportWith([])), ['### Hosts', '', 'None.\n']);
    });
  });

  describe('in the view', function () {
    const html = viewTable(HOSTS, reportWith([host(1)]));

    it('heads the table with the same headers and units, leaving view: false columns out', function () {
      const headers = [...html.matchAll(/<th [^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
      assert.deepEqual(headers, ['Name', 'Bytes', 'First seen (s)', 'Note']);
    });

    it('prints numbers with thousands separators and sorts them as numbers', function () {
      assert.match(html, /<td class="num" data-sort="1234568">1,234,568<\/td>/);
      assert.match(html, /<td class="num" data-sort="0.125">0.125<\/td>/);
    });

    it('marks each row with the outline item it is, under a heading that stands for the tree’s group', function () {
      assert.match(html, /^<h3 data-keys="network\/Hosts">Hosts<\/h3>/);
      assert.match(html, /<tr data-keys="network\/host\/host-1_x\|y">/);
    });

    it('escapes capture text', function () {
      const hostile = viewTable(HOSTS, reportWith([{ ...host(2), name: '<script>' }]));
      assert.doesNotMatch(hostile, /<script>/);
      assert.match(hostile, /&lt;script&gt;/);
    });
  });
});
