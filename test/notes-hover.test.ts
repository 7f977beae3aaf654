import * as assert from 'node:assert/strict';
import { captureLinks } from '../core/notes/links.js';
import { hoverMarkdown } from '../core/notes/hover.js';
import { mentionAt, mentionsIn } from '../core/notes/mentions.js';
import type { LinkedReport } from '../core/notes/capture-facts.js';
import { analyzed, sharedCapture } from './helpers.js';

describe('notes: mentions, hovers and capture links', function () {
  let teams: LinkedReport;
  before(async function () {
    teams = { label: 'teams.pcap', report: await analyzed(sharedCapture(this, 'teams.pcap')) };
  });
  const hover = (line: string, word: string, captures: LinkedReport[] = [teams]) => {
    const mention = mentionAt(line, line.indexOf(word) + 1);
    assert.ok(mention, `no mention at ${word}`);
    return hoverMarkdown(mention, captures);
  };

  it('recognises suites by IANA name, OpenSSL name and code, TLS parameters, addresses, prefixes and names', () => {
    const line =
      'TLS_AES_128_GCM_SHA256 ECDHE-RSA-AES256-GCM-SHA384 0x1301 0xC0,0x30 ed25519 x25519 TLSv1.3 52.114.250.123 2001:db8::1 52.112.0.0/14 teams.microsoft.com call.pcapng NOT-A-SUITE-NAME 0xbeef';
    assert.deepEqual(
      mentionsIn(line).map((m) => `${m.kind}:${m.text}`),
      [
        'cipher-suite:TLS_AES_128_GCM_SHA256',
        'cipher-suite:ECDHE-RSA-AES256-GCM-SHA384',
        'cipher-suite:0x1301',
        'cipher-suite:0xC0,0x30',
        'tls-parameter:ed25519',
        'tls-parameter:x25519',
        'tls-parameter:TLSv1.3',
        'address:52.114.250.123',
        'address:2001:db8::1',
        'prefix:52.112.0.0/14',
        'domain:teams.microsoft.com',
      ],
    );
  });

  it('explains a cipher suite and where teams.pcap offered and selected it', () => {
    const text = hover('The server chose ECDHE-RSA-AES256-GCM-SHA384.', 'ECDHE');
    assert.match(
      text,
      /^\*\*TLS\\_ECDHE\\_RSA\\_WITH\\_AES\\_256\\_GCM\\_SHA384\*\* \(0xc030 · OpenSSL `ECDHE-RSA-AES256-GCM-SHA384`\)/,
    );
    assert.match(text, /Forward secrecy: yes · AEAD: yes/);
    assert.match(text, /Grade: \*\*recommended\*\*/);
    assert.match(text, /\[RFC 5289\]\(https:\/\/www\.rfc-editor\.org\/rfc\/rfc5289\)/);
    assert.match(
      text,
      /\*\*In teams\.pcap:\*\* offered in 38 ClientHellos \(frames 18, 37, .*selected in 36 ServerHellos \(frames 26, 59,/,
    );
  });

  it('explains a TLS 1.3 suite by code without a capture, and a weak one with its reason', () => {
    assert.match(hover('0x1301', '0x1301', []), /TLS\\_AES\\_128\\_GCM\\_SHA256.*TLS 1\.3 suite/s);
    assert.match(hover('TLS_RSA_WITH_3DES_EDE_CBC_SHA', 'TLS', []), /Grade: \*\*weak\*\* — 3DES gives only 112 bits/);
  });

  it('explains a named group and a signature scheme, and where teams.pcap used them', () => {
    assert.match(
      hover('x25519', 'x25519'),
      /named group 0x001d[\s\S]*offered in 29 ClientHellos[\s\S]*used by the server \(ServerKeyExchange\) in 10 handshakes/,
    );
    assert.match(hover('rsa_pkcs1_sha256', 'rsa'), /signature scheme 0x0401/);
  });

  it('gives a domain its catalog service and what teams.pcap shows about it', () => {
    const text = hover('config.teams.microsoft.com', 'config');
    assert.match(text, /DNS: config\.teams\.microsoft\.com → .* \(frames 312, 333\)/);
    assert.match(text, /TLS: 2 handshakes with 52\.113\.194\.132:443, TLS 1\.2/);
  });

  it('gives an address its Microsoft range with the source, and its flows in teams.pcap', () => {
    const text = hover('52.113.194.132', '52');
    assert.match(text, /In Microsoft's `52\.112\.0\.0\/14`/);
    assert.match(text, /Source: \[/);
    assert.match(text, /5 flows/);
    assert.match(text, /`tcp\.stream eq \d+`/);
  });

  it('escapes capture text: a hostile SNI cannot add links, HTML or emphasis', () => {
    const hostile = structuredClone(teams);
    hostile.report.tls.handshakes[0]!.clientHello!.sni = 'x](command:evil)<img src=x>*a*';
    const text = hover('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'TLS', [hostile]);
    assert.doesNotMatch(text, /(?<!\\)\]\(command:/);
    assert.ok(!text.includes('<img'), text);
    assert.match(text, /x\\\]\(command:evil\)&lt;img src=x&gt;\\\*a\\\*/);
  });

  it('reads capture links from front matter (scalar, flow and block lists) and Markdown links', () => {
    const note =
      '---\ntitle: call\ncapture: ./call.pcapng   # the call\ncaptures:\n  - "other one.pcap"\n  - ../b.cap\n---\nSee [the call](./calls/x%20y.pcapng) and [site](https://example.org/a.pcap), ![](pic.png).\n';
    const links = captureLinks(note);
    assert.deepEqual(
      links.map((l) => l.target),
      ['./call.pcapng', 'other one.pcap', '../b.cap', './calls/x y.pcapng'],
    );
    const block = '---\ncaptures:\n  - "other one.pcap"\n  - ../b.cap\n---\n';
    assert.deepEqual(
      captureLinks(block).map((l) => [l.target, block.slice(l.start, l.end)]),
      [
        ['other one.pcap', 'other one.pcap'],
        ['../b.cap', '../b.cap'],
      ],
    );
    assert.deepEqual(
      captureLinks('---\ncapture: [a.pcap, "b c.pcapng"]\n---\n').map((l) => l.target),
      ['a.pcap', 'b c.pcapng'],
    );
  });
});
