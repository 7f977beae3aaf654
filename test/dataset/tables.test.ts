import assert from 'node:assert/strict';
import { athenaDdl, renderSchemaDoc, trinoDdl } from '../../core/dataset/schema-doc.js';
import { REPORT_TABLES } from '../../core/dataset/tables.js';
import { reportEnum } from '../../core/dataset/report-enums.js';
import { REPORT_SECTIONS } from '../../core/report/sections.js';
import type { Finding, Report } from '../../core/schema/generated/report.js';

const table = (name: string) => REPORT_TABLES.find((t) => t.name === name)!;

/** The documentation's row of a table's column. */
function docRow(doc: string, tableName: string, column: string): string {
  const section = doc.slice(doc.indexOf(`## ${tableName}\n`));
  return section.split('\n').find((line) => line.startsWith(`| \`${column}\` |`))!;
}

describe('dataset tables', function () {
  it('gives every finding of a capture its own finding_id (a repeated id gets #2, #3)', function () {
    const finding = (id: string): Finding => ({
      id,
      section: 'dns',
      severity: 'info',
      title: id,
      detail: '',
      frames: [1],
      filter: 'frame',
    });
    const report = {
      capture: { start: '2024-01-01T00:00:00.000Z' },
      findings: [finding('a/x'), finding('a/x'), finding('b'), finding('a/x')],
    } as unknown as Report;
    const findings = table('findings');
    const ids = findings.rows(report).map((row) => findings.columns.find((c) => c.name === 'finding_id')!.value(row));
    assert.deepEqual(ids, ['a/x', 'a/x#2', 'b', 'a/x#3']);
  });

  it('documents every value of an enum column from the report schema’s own enum', function () {
    const doc = renderSchemaDoc();
    for (const activity of reportEnum('Activity'))
      assert.ok(docRow(doc, 'captures', 'dominant_activity').includes(`\`${activity}\``), activity);
    assert.ok(reportEnum('Activity').includes('call-setup'));
    for (const { id } of REPORT_SECTIONS) assert.ok(docRow(doc, 'findings', 'section').includes(`\`${id}\``), id);
    for (const verdict of ['good', 'poor', 'not-judged'])
      assert.ok(docRow(doc, 'stream_quality', 'verdict').includes(`\`${verdict}\``), verdict);
    // Every column that takes a fixed set of values says which.
    for (const t of REPORT_TABLES)
      for (const column of t.columns.filter((c) => c.values))
        for (const value of column.values!) assert.ok(docRow(doc, t.name, column.name).includes(`\`${value}\``));
  });

  it('writes Athena DDL with quoted names (time is reserved) and one statement per query', function () {
    for (const t of REPORT_TABLES) {
      const statements = athenaDdl(t as never, 's3://b/ts');
      assert.equal(statements.length, 2);
      for (const statement of statements) assert.ok(!statement.includes(';'), statement);
      for (const column of t.columns) assert.match(statements[0]!, new RegExp(`^  \`${column.name}\` `, 'm'));
      assert.equal(trinoDdl(t as never, 's3a://b/ts').length, 2);
    }
    assert.match(athenaDdl(table('findings') as never, 's3://b/ts')[0]!, /^ {2}`time` timestamp,$/m);
    assert.doesNotMatch(athenaDdl(table('dns_lookups') as never, 's3://b/ts')[0]!, /^ {2}time timestamp/m);
  });
});
