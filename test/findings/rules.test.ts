import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FindingRule } from '../../core/findings/finding.js';
import { FINDING_RULES, findingSource, findingsOf } from '../../core/findings/rules.js';
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

  it('gives each source a title and an https address, an RFC at its own number', function () {
    const sources = FINDING_RULES.flatMap((rule) => Object.entries(rule.sources ?? {}));
    assert.ok(sources.length > 0);
    for (const [key, source] of sources) {
      assert.match(key, /^[a-z0-9-]+(\/[a-z0-9.:_[\]-]+)?$/, `${key}: a kind, or a whole id`);
      assert.match(source.url, /^https:\/\/[^\s]+$/, key);
      assert.ok(source.title.length > 0, key);
      const rfc = /^RFC (\d+): /.exec(source.title);
      if (rfc) assert.equal(source.url, `https://www.rfc-editor.org/rfc/rfc${rfc[1]}`, key);
    }
    assert.equal(
      findingSource('dns-over-tls/192.0.2.1:853')?.title,
      'RFC 7858: Specification for DNS over Transport Layer Security (TLS)',
    );
    assert.equal(findingSource('call-path/media-server')?.section, '§3.6–3.7', 'a whole id');
    assert.equal(findingSource('call-path/relay'), undefined, 'other findings of the kind rest on no standard');
    assert.equal(findingSource('plaintext/http'), undefined);
  });
});
