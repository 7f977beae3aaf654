import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingRule } from '../../core/findings/finding.js';
import { FINDING_RULES, findingsOf } from '../../core/findings/rules.js';
import { factsFrom } from '../builders/finding-facts.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled rule files (out/core/findings/), beside this compiled test (out/test/findings/). */
const RULE_FILES = resolve(here, '../../core/findings');

function isRule(value: unknown): value is FindingRule {
  return typeof value === 'object' && value !== null && 'section' in value && 'find' in value;
}

/** Every rule any file of core/findings/ exports, by its export name. */
async function exportedRules(): Promise<Map<FindingRule, string>> {
  const rules = new Map<FindingRule, string>();
  for (const file of (await readdir(RULE_FILES)).filter((f) => f.endsWith('.js'))) {
    const exports = (await import(join(RULE_FILES, file))) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) if (isRule(value)) rules.set(value, `${file}: ${name}`);
  }
  return rules;
}

describe('findings/rules: the list of every finding the report states', function () {
  it('registers every rule core/findings/ exports, each once', async function () {
    const exported = await exportedRules();
    const missing = [...exported].filter(([rule]) => !FINDING_RULES.includes(rule)).map(([, name]) => name);
    assert.deepEqual(missing, [], 'exported rules missing from FINDING_RULES');
    assert.equal(new Set(FINDING_RULES).size, FINDING_RULES.length, 'a rule is listed twice');
  });

  it('puts every rule in a section the report schema knows', async function () {
    const schema = JSON.parse(await readFile(resolve(here, '../../../core/schema/report.schema.json'), 'utf8')) as {
      definitions: { Finding: { properties: { section: { enum: string[] } } } };
    };
    const sections = schema.definitions.Finding.properties.section.enum;
    for (const rule of FINDING_RULES) assert.ok(sections.includes(rule.section), rule.section);
  });

  it('states the findings in the order of the rules given, each in its rule’s section', function () {
    const first: FindingRule = {
      section: 'network',
      find: () => [{ id: 'first', severity: 'info', title: '', detail: '', frames: [2], filter: '' }],
    };
    const second: FindingRule = {
      section: 'dns',
      find: () => [{ id: 'second', severity: 'info', title: '', detail: '', frames: [1], filter: '' }],
    };
    const findings = findingsOf(factsFrom(), [second, first]);
    assert.deepEqual(
      findings.map((f) => [f.id, f.section]),
      [
        ['second', 'dns'],
        ['first', 'network'],
      ],
    );
  });

  it('finds nothing in an empty capture', function () {
    assert.deepEqual(findingsOf(factsFrom()), []);
  });
});
