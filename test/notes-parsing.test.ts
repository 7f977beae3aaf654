import * as assert from 'node:assert/strict';
import { noteSentences } from '../core/notes/claims.js';
import { readFrontMatter } from '../core/notes/front-matter.js';
import { sectionHeadings, sectionNamed } from '../core/notes/headings.js';
import { captureLinks } from '../core/notes/links.js';
import { noteStructure } from '../core/notes/structure.js';
import { renderSection } from '../core/report/markdown.js';
import { REPORT_SECTIONS } from '../core/report/sections.js';
import type { Report } from '../core/schema/generated/report.js';
import { analyzed, sharedCapture } from './helpers.js';

/** Each target with the note text at its offsets: the two must agree. */
const linksIn = (note: string) => captureLinks(note).map((l) => [l.target, note.slice(l.start, l.end)]);
const headingsIn = (note: string) => sectionHeadings(note).map((h) => [h.section, note.slice(h.start, h.end)]);

describe('notes: front matter read as YAML, structure read by markdown-it', () => {
  it('reads a quoted capture name holding " #" as the name, not as a comment', () => {
    assert.deepEqual(linksIn('---\ncapture: "call #2.pcap"  # the second call\n---\n'), [
      ['call #2.pcap', 'call #2.pcap'],
    ]);
    assert.deepEqual(linksIn("---\ncapture: 'it''s here.pcapng'\n---\n"), [["it's here.pcapng", "it''s here.pcapng"]]);
  });

  it('reads a flow list whose quoted item holds a comma as two captures, not three', () => {
    assert.deepEqual(linksIn('---\ncaptures: ["a, b.pcap", c.pcap]\n---\n'), [
      ['a, b.pcap', 'a, b.pcap'],
      ['c.pcap', 'c.pcap'],
    ]);
  });

  it('reads a block list with a blank line and a comment between its items to its end', () => {
    const note =
      '---\ntitle: Calls\ncaptures:\n  - first.pcap\n\n  # the retry\n  - second.pcapng\ndate: 2026-12-01\n---\n# Notes\n';
    assert.deepEqual(linksIn(note), [
      ['first.pcap', 'first.pcap'],
      ['second.pcapng', 'second.pcapng'],
    ]);
  });

  it('reads both "capture:" and "captures:" keys, with the front matter closed by "..."', () => {
    assert.deepEqual(
      linksIn('---\ncapture: one.pcap\ncaptures: [two.pcap]\n...\n').map(([target]) => target),
      ['one.pcap', 'two.pcap'],
    );
  });

  it('reads a note written with CRLF line breaks the same way', () => {
    const note = '---\r\ncapture: "call #2.pcap"\r\n---\r\n# Call notes\r\n\r\n## DNS\r\n';
    assert.deepEqual(linksIn(note), [['call #2.pcap', 'call #2.pcap']]);
    assert.deepEqual(headingsIn(note), [['dns', '## DNS']]);
  });

  it('turns bad YAML into one-line problems at their place, never a throw, and still reads what it can', () => {
    const note = '---\ncapture: a.pcap\ncapture: b.pcap\nfoo: [unclosed\n---\n# DNS\n';
    const front = readFrontMatter(note)!;
    assert.ok(front.problems.length >= 2, JSON.stringify(front.problems));
    for (const problem of front.problems) {
      assert.match(problem.message, /^Front matter is not valid YAML: [^\n]+$/);
      assert.ok(problem.start >= 4 && problem.end <= front.end, JSON.stringify(problem));
    }
    assert.ok(
      front.problems.some((p) => /unique/.test(p.message) && note.slice(p.start, p.end) === 'capture: b.pcap'),
      JSON.stringify(front.problems),
    );
    assert.doesNotThrow(() => captureLinks(note));
    assert.deepEqual(headingsIn(note), [['dns', '# DNS']]);
  });

  it('says when a capture key holds something that is not a file name', () => {
    const note = '---\ncapture:\n  path: a.pcap\n---\n';
    assert.deepEqual(
      readFrontMatter(note)!.problems.map((p) => [p.message, note.slice(p.start, p.end)]),
      [['Front matter: "capture:" should be a file name or a list of file names', 'path: a.pcap']],
    );
    assert.deepEqual(captureLinks(note), []);
  });

  it('reads no front matter in a note whose first line is not "---", or that never closes it', () => {
    assert.equal(readFrontMatter('# Title\n---\ncapture: a.pcap\n---\n'), undefined);
    assert.equal(readFrontMatter('---\ncapture: a.pcap\n'), undefined);
  });

  it('takes Markdown links from markdown-it: none inside code spans or code blocks, and the written offsets', () => {
    const note =
      'See [the call](./calls/x%20y.pcapng) and [the other](<other call.pcap> "title").\n\n`[not](a.pcap)`\n\n```\n[not](b.pcap)\n```\n';
    assert.deepEqual(linksIn(note), [
      ['./calls/x y.pcapng', './calls/x%20y.pcapng'],
      ['other call.pcap', 'other call.pcap'],
    ]);
  });

  it('ignores "#" lines inside a ```` fence that holds ``` and inside a ~~~ block that holds ```', () => {
    const note = [
      '# Call notes',
      '',
      '````markdown',
      '```',
      '# DNS',
      '```',
      '## Network',
      '````',
      '',
      '## Security',
      '',
      '~~~',
      '```',
      '~~~',
      '',
      '## Transport',
      '',
    ].join('\n');
    assert.deepEqual(headingsIn(note), [
      ['security', '## Security'],
      ['transport', '## Transport'],
    ]);
  });

  it('reads no sentence inside those code blocks', () => {
    const note = '````\n```\nThe server negotiated TLS 1.0.\n```\n````\nLast one.\n\n~~~\n```\n~~~\nAfter.';
    assert.deepEqual(
      noteSentences(note).map((s) => s.text.trim()),
      ['Last one.', 'After.'],
    );
  });

  it('names a section only by a heading whose whole text is the section or one of its names', () => {
    const named = {
      DNS: 'dns',
      'Name resolution': 'dns',
      '2. Network': 'network',
      'STUN / TURN messages': 'network',
      'Transport layer': 'transport',
      'Flows:': 'transport',
      'TLS servers': 'security',
      'cipher suites': 'security',
      'Activity over time (5 s windows)': 'application',
      'Media streams': 'application',
    } as const;
    for (const [heading, section] of Object.entries(named)) assert.equal(sectionNamed(heading), section, heading);
    for (const heading of [
      'Call notes',
      'Call',
      'My video call',
      'Notes on the network',
      'DNS and TLS',
      'Why the TLS handshake failed',
      'Security review of 2026-12-01',
    ]) {
      assert.equal(sectionNamed(heading), undefined, heading);
    }
  });

  it('puts a section on the headings that name one, whatever their Markdown form, and not on the title', () => {
    const note =
      '# Call notes\n\n## *Security*\n\nDNS\n---\n\n### 3.1 `TLS` handshakes ###\n\nSome text about the call.\n';
    assert.deepEqual(headingsIn(note), [
      ['security', '## *Security*'],
      ['dns', 'DNS\n---'],
      ['security', '### 3.1 `TLS` handshakes ###'],
    ]);
  });
});

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
