import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import { renderHtml } from '../core/report/html.js';
import { renderMarkdown } from '../core/report/markdown.js';
import { temporaryFolder } from './helpers.js';

const HOSTILE = '<script>alert(1)</script> [x](javascript:alert(1)) **b** | \x1b[31mred\x1b[0m `tick`';

/** A hex dump text2pcap reads: offset, then the bytes. */
function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(`${i.toString(16).padStart(6, '0')} ${[...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

// Capture contents are chosen by whoever made the traffic: they must come out of every report inert.
describe('hostile strings inside a capture', function () {
  const folder = temporaryFolder('hostile');
  let capture: string;

  before(async function () {
    const ssdp = Buffer.from(`M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\nUSER-AGENT: ${HOSTILE}\r\n\r\n`);
    const dump = join(folder(), 'ssdp.txt');
    await writeFile(dump, hexDump(ssdp));
    capture = join(folder(), 'hostile.pcap');
    await execa('text2pcap', ['-u', '50000,1900', '-4', '192.168.1.20,239.255.255.250', dump, capture]);
  });

  it('keeps the string as data in the JSON report', async function () {
    const report = await analyzeCapture(capture);
    assert.equal(report.ssdp.messages[0]?.userAgent, HOSTILE);
  });

  it('makes it inert in Markdown: no tag, no link, no emphasis, no terminal escape, table intact', async function () {
    const markdown = renderMarkdown(await analyzeCapture(capture));
    const row = markdown.split('\n').find((line) => line.includes('alert(1)'))!;
    assert.doesNotMatch(row, /<script|\x1b|(?<!\\)\]\(javascript:|(?<!\\)\*\*b/);
    assert.equal(row.split(/(?<!\\)\|/).length, 6, 'the table row keeps its four cells');
  });

  it('makes it inert in HTML: escaped text, no script element, nothing loaded', async function () {
    const html = renderHtml(await analyzeCapture(capture), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    assert.doesNotMatch(html, /<script|href="javascript:|\x1b/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});
