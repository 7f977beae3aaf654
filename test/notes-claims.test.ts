import * as assert from 'node:assert/strict';
import { checkNote, noteSentences } from '../core/notes/claims.js';
import type { LinkedReport } from '../core/notes/capture-facts.js';
import { analyzed, sharedCapture } from './helpers.js';

/**
 * The claim grammar (core/notes/claims.ts) against the real teams.pcap: every handshake there negotiates
 * TLS 1.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xc030); the teams.microsoft.com ServerHellos are frames
 * 26, 186 and 931 (tshark: tls.handshake.type == 2 && ip.src == 52.113.194.132 after those SNIs); no DNS
 * response carries the AD bit.
 */
describe('notes: claims checked against a capture', function () {
  let teams: LinkedReport;
  before(async function () {
    teams = { label: 'teams.pcap', report: await analyzed(sharedCapture(this, 'teams.pcap')) };
  });
  const check = (text: string) => checkNote(text, [teams]).map((p) => ({ ...p, words: text.slice(p.start, p.end) }));

  it('flags a TLS version the teams.microsoft.com handshakes did not negotiate, with the true version and frames', () => {
    const [problem, ...rest] = check('# TLS\n\nThe connection to teams.microsoft.com negotiated TLS 1.0.\n');
    assert.deepEqual(rest, []);
    assert.equal(problem?.kind, 'tls-version');
    assert.equal(problem.words, 'TLS 1.0');
    assert.deepEqual(problem.frames, [26, 186, 931]);
    assert.equal(problem.replacement, 'TLS 1.2');
    assert.match(
      problem.message,
      /teams\.pcap: the 3 ServerHello\(s\) with teams\.microsoft\.com negotiated TLS 1\.2, not TLS 1\.0 \(frames 26, 186, 931\)/,
    );
    assert.equal(problem.filter, 'frame.number == 26 || frame.number == 186 || frame.number == 931');
  });

  it('accepts true statements, negations, hedges and the record-layer "TLS 1.0"', () => {
    const note = [
      'Every handshake negotiated TLS 1.2.',
      'The connection to teams.microsoft.com negotiated TLSv1.2 with TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.',
      'The server selected ECDHE-RSA-AES256-GCM-SHA384 (0xc030).',
      'TLS 1.0 was not negotiated anywhere.',
      'Maybe TLS 1.1 was negotiated with dati.ntop.org.',
      'ClientHello records say TLS 1.0, yet TLS 1.2 was negotiated.',
      'Was TLS 1.3 negotiated?',
      'The client resolved config.teams.microsoft.com and connected to 52.113.194.132.',
      'The client talks to microsoft.com servers.',
      'DNSSEC was not used.',
      'A display filter `ip.addr == 10.1.2.3` finds nothing here, and [the capture](./teams.pcap) is linked.',
    ].join('\n\n');
    assert.deepEqual(check(note), []);
  });

  it('says nothing about the TLS version of a server the capture has no handshake with (only that it never saw it)', () => {
    assert.deepEqual(
      check('The connection to www.example.org negotiated TLS 1.0.').map((p) => p.kind),
      ['unseen-domain'],
    );
  });

  it('flags a cipher suite no ServerHello selected, and offers the true one in the same spelling', () => {
    const problems = check(
      'For teams.microsoft.com the server chose `ECDHE-RSA-AES128-GCM-SHA256`. Elsewhere 0xC0,0x2F was selected.',
    );
    assert.deepEqual(
      problems.map((p) => [p.kind, p.words, p.replacement]),
      [
        ['cipher-suite', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384'],
        // teams.pcap's servers selected two suites (0xc030 in 36 ServerHellos, 0xc028 in 2): no single true one to offer.
        ['cipher-suite', '0xC0,0x2F', undefined],
      ],
    );
    assert.match(
      problems[0]!.message,
      /no ServerHello with teams\.microsoft\.com selected TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256; the 3 ServerHello\(s\) selected TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 \(frames 26, 186, 931\)/,
    );
  });

  it('flags addresses and names the capture never shows, only in statements about traffic', () => {
    const problems = check(
      'The client connected to 10.9.9.9 and resolved teams.example.net. Our policy blocks 10.9.9.9.',
    );
    assert.deepEqual(
      problems.map((p) => [p.kind, p.words]),
      [
        ['unseen-address', '10.9.9.9'],
        ['unseen-domain', 'teams.example.net'],
      ],
    );
    assert.match(problems[0]!.message, /teams\.pcap never shows 10\.9\.9\.9/);
  });

  it('flags DNSSEC claimed as validated when no response has the AD bit', () => {
    const [problem] = check('DNSSEC validated the answers.');
    assert.equal(problem?.kind, 'dnssec');
    assert.equal(problem.words, 'DNSSEC');
    assert.match(problem.message, /none of its 22 DNS responses has the AD \(Authentic Data\) bit/);
    assert.equal(problem.frames[0], 11);
  });

  it('flags a statement only when every linked capture that can decide contradicts it', () => {
    const note = 'The client connected to 10.9.9.9.';
    const withIt = structuredClone(teams);
    withIt.label = 'other.pcap';
    withIt.report.addresses.push({ ...withIt.report.addresses[0]!, ip: '10.9.9.9' });
    assert.deepEqual(checkNote(note, [teams, withIt]), []);
    assert.equal(
      checkNote(note, [teams, { ...teams, label: 'copy.pcap' }])[0]?.message,
      'teams.pcap never shows 10.9.9.9: no packet, DNS answer or STUN address carries it. copy.pcap never shows 10.9.9.9: no packet, DNS answer or STUN address carries it.',
    );
  });

  it('reads sentences per paragraph, list item and heading, skipping front matter and fenced code', () => {
    const note =
      '---\ncapture: ./a.pcap\n---\n# DNS\n\n- First item. Second\n  sentence.\n\n```\nnegotiated TLS 1.0.\n```\nLast one';
    assert.deepEqual(
      noteSentences(note).map((s) => s.text.trim()),
      ['# DNS', '- First item.', 'Second\n  sentence.', 'Last one'],
    );
  });
});
