import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { renderHtml } from '../core/report/html.js';
import { renderMarkdown } from '../core/report/markdown.js';
import MarkdownIt from 'markdown-it';
import type { Report } from '../core/schema/generated/report.js';
import { ATTACKS, HOSTILE_SNI, hostileCapture, hostileCertificate } from './hostile-capture.js';
import { pcapFile } from './capture-bytes.js';
import { CLI, analyzed, runCli, temporaryFolder, tsharkWrapper } from './helpers.js';

const HOSTILE = '<script>alert(1)</script> [x](javascript:alert(1)) **b** | \x1b[31mred\x1b[0m `tick`';

/** A hex dump text2pcap reads: offset, then the bytes. */
function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(
      `${i.toString(16).padStart(6, '0')} ${[...bytes.subarray(i, i + 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

// Capture contents are chosen by whoever made the traffic: they must come out of every report inert.
describe('hostile strings inside a capture', function () {
  const folder = temporaryFolder('hostile');
  let capture: string;

  before(async function () {
    const ssdp = Buffer.from(
      `M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\nUSER-AGENT: ${HOSTILE}\r\n\r\n`,
    );
    const dump = join(folder(), 'ssdp.txt');
    await writeFile(dump, hexDump(ssdp));
    capture = join(folder(), 'hostile.pcap');
    await execa('text2pcap', ['-u', '50000,1900', '-4', '192.168.1.20,239.255.255.250', dump, capture]);
  });

  it('keeps the string as data in the JSON report', async function () {
    const report = await analyzed(capture);
    assert.equal(report.ssdp.messages[0]?.userAgent, HOSTILE);
  });

  it('makes it inert in Markdown: no tag, no link, no emphasis, no terminal escape, table intact', async function () {
    const markdown = renderMarkdown(await analyzed(capture));
    const row = markdown.split('\n').find((line) => line.includes('alert(1)'))!;
    // eslint-disable-next-line no-control-regex -- ESC is the point: no terminal escape may get through
    assert.doesNotMatch(row, /<script|\x1b|(?<!\\)\]\(javascript:|(?<!\\)\*\*b/);
    assert.equal(row.split(/(?<!\\)\|/).length, 6, 'the table row keeps its four cells');
  });

  it('makes it inert in HTML: escaped text, no script element, nothing loaded', async function () {
    const html = renderHtml(await analyzed(capture), '<svg xmlns="http://www.w3.org/2000/svg"></svg>');
    // eslint-disable-next-line no-control-regex -- ESC is the point: no terminal escape may get through
    assert.doesNotMatch(html, /<script|href="javascript:|\x1b/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });
});

/** Control characters a terminal acts on (C0 but newline, DEL, C1): none may reach stdout or stderr. */
// eslint-disable-next-line no-control-regex -- the control characters are what the check looks for
const TERMINAL_CONTROL = /[\x00-\x09\x0b-\x1f\x7f-\x9f]/;

/** Each Markdown table keeps its shape: every row starts and ends with a pipe and has the header's cells. */
function assertTablesIntact(markdown: string): void {
  const cells = (row: string) => row.split(/(?<!\\)\|/).length;
  let header: number | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    assert.match(line, /(?<!\\)\|$/, `a table row broken off: ${line}`);
    header ??= cells(line);
    assert.equal(cells(line), header, `a row with more or fewer cells than its header: ${line}`);
  }
}

// DNS names, SNIs and certificate subjects are chosen by whoever runs the server or the resolver.
describe('hostile names in DNS, TLS SNI and a certificate subject', function () {
  const folder = temporaryFolder('hostile-names');
  let capture: string;

  before(async function () {
    capture = join(folder(), 'hostile-names.pcap');
    await writeFile(capture, hostileCapture(await hostileCertificate(folder())));
  });

  it('reach the JSON report as data (the attacks are really in the capture)', async function () {
    const result = await runCli(['analyze', capture, '--format', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const report = JSON.parse(result.stdout) as Report;
    assert.equal(report.tls.handshakes[0]?.clientHello?.sni, HOSTILE_SNI);
    assert.ok(report.dns.names.some((n) => n.name.includes(ATTACKS.script) && n.name.includes(ATTACKS.link)));
    // OpenSSL writes the subject in RFC 2253 form: "<" comes out as "\<", control characters as "\1B".
    const subject = report.tls.handshakes[0]?.certificates[0]?.subject ?? '';
    for (const piece of ['\\<script\\>', '[x](javascript:alert(1))', 'a|b', '`tick`'])
      assert.ok(subject.includes(piece), `${piece} not in ${subject}`);
    // eslint-disable-next-line no-control-regex -- ESC is the point: no terminal escape may get through
    assert.doesNotMatch(result.stdout, /\x1b/, 'JSON escapes control characters');
  });

  it('Markdown on the terminal: no control character, no tag, no link, every table intact', async function () {
    const result = await runCli(['analyze', capture]);
    assert.equal(result.exitCode, 0, result.stderr);
    const markdown = result.stdout;
    assert.doesNotMatch(markdown + result.stderr, TERMINAL_CONTROL);
    assertTablesIntact(markdown);
    assert.ok(markdown.includes(`&lt;script&gt;alert(1)&lt;/script&gt;`), 'the names are shown, escaped');
    // As a previewer that lets raw HTML through (GitHub, VS Code) renders it: no element, no link from the capture.
    const rendered = new MarkdownIt({ html: true, linkify: true }).render(markdown);
    assert.doesNotMatch(rendered, /<script|<a\s|\shref=|\son\w+=/i);
  });

  it('HTML: escaped text only, no element, attribute or link from the capture', async function () {
    const result = await runCli(['analyze', capture, '--format', 'html']);
    assert.equal(result.exitCode, 0, result.stderr);
    const html = result.stdout;
    assert.doesNotMatch(html, TERMINAL_CONTROL);
    assert.doesNotMatch(html, /<script|<a\s|\shref=|\son\w+=/i);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  it('a file name with escapes and markup: inert in the title, the errors and the warnings', async function () {
    const name = join(folder(), `${ATTACKS.colour}${ATTACKS.clearScreen}<b>x|y\`z.pcap`);
    await writeFile(name, hostileCapture(await hostileCertificate(folder())).subarray(0, 300));
    const markdown = await runCli(['analyze', name]);
    assert.equal(markdown.exitCode, 0, markdown.stderr);
    assert.match(markdown.stderr, /^teamshark: warning: the capture is cut short/);
    assert.doesNotMatch(markdown.stdout + markdown.stderr, TERMINAL_CONTROL);
    assert.doesNotMatch(new MarkdownIt({ html: true }).render(markdown.stdout), /<b>/);
    const html = await runCli(['analyze', name, '--format', 'html']);
    // eslint-disable-next-line no-control-regex -- ESC is the point: no terminal escape may get through
    assert.doesNotMatch(html.stdout, /<b>|\x1b/);
    const compared = await runCli(['compare', name, name]);
    assert.match(compared.stderr, /^teamshark: warning: .*x\|y`z\.pcap: the capture is cut short/m);
    assert.doesNotMatch(compared.stdout + compared.stderr, TERMINAL_CONTROL);
    await writeFile(name, '');
    const error = await runCli(['analyze', name]);
    assert.equal(error.exitCode, 1);
    assert.match(error.stderr, /^teamshark: .*<b>x\|y`z\.pcap: the file is empty \(0 bytes\), not a capture$/);
    assert.doesNotMatch(error.stderr, TERMINAL_CONTROL);
  });
});

// A capture's name comes from whoever sent the file: it must reach tshark as one argument, never through a shell.
describe('the capture path reaches tshark as one argument, as it is', function () {
  const folder = temporaryFolder('arguments');

  it('names with a command, quotes, a semicolon, spaces and a leading dash', async function () {
    const recorder = await tsharkWrapper(
      folder(),
      'recording-tshark',
      (tshark) => `printf '%s\\0' "$@" > "$0.args"; exec ${tshark} "$@"`,
    );
    // "./-": a file named "-" (a bare "-" means standard input).
    const names = ['$(touch pwned); echo "q" \'q\' `touch pwned2`.pcap', '-r.pcap', './-'];
    for (const name of names) await writeFile(join(folder(), name), pcapFile([]));
    for (const name of names) {
      const result = await execa(
        process.execPath,
        [CLI, 'analyze', '--format', 'json', '--tshark', recorder, '--', name],
        { cwd: folder(), reject: false, stdin: 'ignore' },
      );
      assert.equal(result.exitCode, 0, `${name}: ${result.stderr}`);
      const args = (await readFile(`${recorder}.args`, 'utf8')).split('\0').slice(0, -1);
      assert.equal(args[args.indexOf('-r') + 1], name);
    }
    await assert.rejects(readFile(join(folder(), 'pwned')), /ENOENT/);
    await assert.rejects(readFile(join(folder(), 'pwned2')), /ENOENT/);
  });
});
