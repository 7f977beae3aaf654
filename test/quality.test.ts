import assert from 'node:assert/strict';
import { execa } from 'execa';
import { compareReport } from '../core/report/comparison.js';
import { renderComparison } from '../core/report/compare-markdown.js';
import { renderReportBody } from '../core/report/html.js';
import { renderMarkdown } from '../core/report/markdown.js';
import { reportOutline } from '../core/report/outline.js';
import { qualityChartSvg } from '../core/report/quality-chart.js';
import { hoverMarkdown } from '../core/notes/hover.js';
import { mentionAt } from '../core/notes/mentions.js';
import type { Report } from '../core/schema/generated/report.js';
import { filterMatches } from './filter-matches.js';
import { analyzed, assertValidReport, sampleCapture, sharedCapture } from './helpers.js';

/** Every finding of the Call quality section: tshark, given its filter and Teamshark's heuristics, shows its frames. */
async function assertEvidence(path: string, report: Report): Promise<void> {
  const findings = report.findings.filter((f) => f.section === 'quality');
  assert.ok(findings.length > 0, 'call-quality findings');
  const matches = await filterMatches(
    path,
    findings.map((f) => f.filter),
  );
  findings.forEach((finding, i) => {
    const shown = new Set(matches[i]!.map((m) => m.frame));
    assert.deepEqual(
      finding.frames.filter((f) => !shown.has(f)),
      [],
      `${finding.id}: ${finding.filter}`,
    );
  });
}

describe('call quality', function () {
  describe('bad-network sample scenarios against their ground truth', function () {
    for (const scenario of ['bad-network-loss', 'bad-network-jitter', 'bad-network-reordering', 'bad-network-dtx']) {
      it(`${scenario}: loss, reordering, gaps, jitter (within 1 ms) and verdicts`, async function () {
        const { path, sample } = sampleCapture(scenario);
        const report = await analyzed(path);
        assertValidReport(report);
        const impaired = sample.truth.media.filter((m) => m.quality);
        assert.ok(impaired.length > 0, 'the scenario impairs a stream');
        for (const { ssrc, quality: truth } of impaired) {
          const stream = report.quality?.streams.find((s) => s.ssrc === ssrc);
          assert.ok(stream, `stream ${ssrc}`);
          assert.equal(stream.packets, truth!.received, 'received');
          assert.equal(stream.lost, truth!.lost, 'lost');
          assert.equal(stream.reordered, truth!.reordered, 'reordered');
          assert.equal(stream.gaps.filter((g) => g.cause === 'dtx').length, truth!.dtxPauses, 'DTX pauses');
          assert.equal(stream.gaps.filter((g) => g.cause === 'loss').length, truth!.lossGaps, 'gaps with loss');
          assert.equal(stream.clock.source, 'inferred');
          assert.ok(stream.jitter, 'jitter');
          assert.ok(
            Math.abs(stream.jitter.meanMs - truth!.jitterMeanMs) < 1,
            `mean jitter ${stream.jitter.meanMs} ms, truth ${truth!.jitterMeanMs} ms`,
          );
          assert.ok(
            Math.abs(stream.jitter.maxMs - truth!.jitterMaxMs) < 1,
            `max jitter ${stream.jitter.maxMs} ms, truth ${truth!.jitterMaxMs} ms`,
          );
          assert.equal(stream.verdict, truth!.verdict, 'stream verdict');
        }
        assert.equal(report.quality!.verdict, sample.truth.callQuality);
        await assertEvidence(path, report);
      });
    }
  });

  it('video-4g-K3VG-60sec is a poor call: each stream with its loss, and the thresholds crossed', async function () {
    const path = sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng');
    const report = await analyzed(path);
    assertValidReport(report);
    const quality = report.quality!;
    assert.equal(quality.verdict, 'poor');
    const audio = quality.streams.find((s) => s.direction === 'inbound' && s.kind === 'audio')!;
    assert.deepEqual([audio.lost, audio.expected, audio.lossPercent], [196, 1212, 16.2]);
    assert.deepEqual(audio.crossed.map((c) => [c.metric, c.threshold]).slice(0, 1), [['packet loss', '> 10 %']]);
    assert.equal(audio.verdict, 'poor');
    const video = quality.streams.find((s) => s.ssrc === '0x0000a0ad')!;
    assert.deepEqual([video.lost, video.lossPercent], [249, 14.7]);
    const markdown = renderMarkdown(report);
    const section = markdown.slice(markdown.indexOf('## Call quality'));
    assert.match(section, /\*\*Verdict: poor\*\*/);
    for (const s of quality.streams)
      assert.ok(
        section.includes(`${s.lost} of ${s.expected} (${s.lossPercent} %)`),
        `loss of ${s.ssrc} in the section`,
      );
    assert.match(section, /packet loss 16\.2 % above 10 % \(CQD audio classifier: Packet Loss Rate &gt; 0\.1\)/);
    assert.match(section, /stream-classification-in-call-quality-dashboard/);
    assert.ok(report.findings.some((f) => f.id === 'call-quality/poor' && f.severity === 'warning'));
    await assertEvidence(path, report);
    // Everywhere a user looks: the tree, compare, the HTML view with its chart.
    const tree = reportOutline(report).find((n) => n.id === 'section/quality')!;
    assert.ok(tree.children!.some((g) => g.label === 'Streams' && g.children!.some((n) => n.label.endsWith(': poor'))));
    assert.equal(compareReport(report).quality.verdict, 'poor');
    assert.match(renderComparison([compareReport(report)]), /\| Call quality \(network-side estimate\) \| poor \|/);
    const svg = await qualityChartSvg(report, 'Loss and jitter');
    assert.ok(svg && svg.includes('Packet loss'));
    assert.ok(renderReportBody(report, '<svg></svg>', svg).includes('Jitter, ms'));
    // A note naming the stream: the hover gives its loss and verdict.
    const line = 'Inbound audio 0x0000A0AC broke up on 4G.';
    const mention = mentionAt(line, line.indexOf('0x') + 2)!;
    assert.equal(mention.kind, 'ssrc');
    const hover = hoverMarkdown(mention, [{ label: 'video-4g', report }]);
    assert.match(hover, /Lost 196 of 1212 \(16\.2 %\)/);
    assert.match(hover, /\*\*poor\*\*: packet loss 16\.2/);
  });

  it('the relay heuristics decode media inside TURN ChannelData that rtp_udp alone misses', async function () {
    const path = sharedCapture(this, 'stun_dtls_rtp.pcapng');
    const report = await analyzed(path);
    assert.ok(
      report.quality!.streams.some((s) => s.source.port === 3478),
      'a stream from the relay port',
    );
    const { stdout } = await execa('tshark', [
      '-r',
      path,
      '-n',
      '--enable-heuristic',
      'rtp_udp',
      '--enable-heuristic',
      'rtcp_udp',
      '-q',
      '-z',
      'rtp,streams',
    ]);
    assert.doesNotMatch(stdout, / 3478 /, 'rtp_udp alone sees no stream from the relay');
  });

  it("media through the relay's TCP 443 (MS-TURN framing in pseudo-TLS) is read whole: no loss, its stall a delay", async function () {
    const { path } = sampleCapture('relay-tcp');
    const report = await analyzed(path);
    const { stdout } = await execa('tshark', ['-r', path, '-n', '-q', '-z', 'rtp,streams']);
    assert.doesNotMatch(stdout, /0x[0-9a-f]{8}/i, 'tshark itself decodes no RTP in the connection');
    const streams = report.quality!.streams;
    assert.deepEqual(
      streams.map((s) => [s.direction, s.path, s.packets, s.lost, s.duplicates]),
      [
        // 12 s of 20 ms packets from 0 s on, each way: 601.
        ['inbound', 'relayed-tcp-443', 601, 0, 0],
        ['outbound', 'relayed-tcp-443', 601, 0, 0],
      ],
    );
    const inbound = streams.find((s) => s.direction === 'inbound')!;
    assert.deepEqual(
      inbound.gaps.map((g) => g.cause),
      ['delay'],
      'the relay held the packets up for 200 ms: they arrive late together, none lost',
    );
    assert.equal(inbound.verdict, 'good');
    assert.ok(report.rtp.streams.every((s) => s.readByBytes === s.packets));
    await assertEvidence(path, report);
  });

  it('a clean LAN call is good', async function () {
    const path = sharedCapture(this, 'teams-activities/video-lan-K1VE.pcapng');
    const report = await analyzed(path);
    assert.equal(report.quality!.verdict, 'good');
    const received = report.quality!.streams.filter((s) => s.direction === 'inbound');
    const sent = report.quality!.streams.filter((s) => s.direction === 'outbound');
    assert.ok(received.length > 0 && sent.length > 0);
    assert.ok(
      received.every((s) => s.lost === 0 && (s.verdict === 'good' || /too short/.test(s.notJudgedBecause!))),
      'every received stream good or too short to classify, none lost',
    );
    // The CQD classifies a stream where it is received: what this host sent is measured, not judged.
    assert.ok(sent.every((s) => s.verdict === 'not-judged' && /sent by the capturing host/.test(s.notJudgedBecause!)));
    assert.ok(report.findings.some((f) => f.id === 'call-quality/good' && f.severity === 'info'));
    assert.equal((await analyzed(sampleCapture('audio-p2p-lan').path)).quality!.verdict, 'good');
  });

  it('says SRTCP is encrypted where it is, and reads clear RTCP where it is not', async function () {
    const teams = await analyzed(sharedCapture(this, 'teams-activities/video-4g-K3VG-60sec.pcapng'));
    assert.match(teams.quality!.rtcp.note, /SRTCP/);
    assert.equal(teams.quality!.rtcp.readableBlocks, 0);
    const { path, sample } = sampleCapture('bad-network-loss');
    const report = await analyzed(path);
    const impaired = sample.truth.media.find((m) => m.quality)!;
    const stream = report.quality!.streams.find((s) => s.ssrc === impaired.ssrc)!;
    assert.ok(
      stream.receiverReports && stream.receiverReports.fractionLostMax > 0,
      'the receiver reports its losses in clear',
    );
    assert.match(report.quality!.rtcp.note, /in clear/);
  });
});
