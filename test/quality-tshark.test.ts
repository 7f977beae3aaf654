import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { QualityCollector } from '../core/quality/collector.js';
import { analyseStream } from '../core/quality/stream.js';
import { rtpModel } from '../core/model/rtp.js';
import { locateTshark } from '../core/tshark/locate.js';
import { TSHARK_ANALYSIS_OPTIONS, runTsharkPass } from '../core/tshark/run.js';
import { SHARED_CAPTURES, sharedCapture } from './helpers.js';

interface TsharkStream {
  key: string;
  packets: number;
  lost: number;
  maxDelta: number;
  meanJitter: number;
  maxJitter: number;
}

/**
 * `tshark -z rtp,streams`, one row per stream: "start end src sport dst dport ssrc payload… pkts lost (x%) min-delta
 * mean-delta max-delta min-jitter mean-jitter max-jitter [X]". The payload column holds spaces, so the row is
 * read from both ends.
 */
async function tsharkStreams(path: string): Promise<TsharkStream[]> {
  const { stdout } = await execa('tshark', ['-r', path, ...TSHARK_ANALYSIS_OPTIONS, '-q', '-z', 'rtp,streams']);
  const row =
    /^\s*[\d.]+\s+[\d.]+\s+(\S+)\s+(\d+)\s+(\S+)\s+(\d+)\s+0x([0-9A-F]+)\s+.*?\s+(\d+)\s+(-?\d+) \([-\d.]+%\)\s+[-\d.]+\s+[-\d.]+\s+([-\d.]+)\s+[-\d.]+\s+([-\d.]+)\s+([-\d.]+)\s*X?\s*$/;
  return stdout.split('\n').flatMap((line) => {
    const m = row.exec(line);
    if (!m) return [];
    const [, src, sport, dst, dport, ssrc, packets, lost, maxDelta, meanJitter, maxJitter] = m;
    return [
      {
        key: `${src}:${sport}>${dst}:${dport}/0x${ssrc!.toLowerCase().padStart(8, '0')}`,
        packets: Number(packets),
        lost: Number(lost),
        maxDelta: Number(maxDelta),
        meanJitter: Number(meanJitter),
        maxJitter: Number(maxJitter),
      },
    ];
  });
}

/** Teamshark's quality stage on a capture, with Teamshark's own tshark options: per leg, as tshark lists streams, and merged per SSRC. */
async function teamsharkStreams(path: string) {
  const collector = new QualityCollector();
  await runTsharkPass({
    tshark: await locateTshark(),
    capture: path,
    fields: collector.fields,
    onPacket: (p) => collector.add(p),
    warn: () => undefined,
  });
  const { legs, streams } = collector.finish();
  const reported = rtpModel(legs, [], { start: 0, names: () => undefined }).streams;
  return {
    /** The report's RTP streams, as `report.rtp.streams` lists them: summed up from the same legs. */
    reported: new Map(
      reported.map((s) => [`${s.source.ip}:${s.source.port}>${s.destination.ip}:${s.destination.port}/${s.ssrc}`, s]),
    ),
    legs: legs.map((s) => ({
      key: `${s.source.ip}:${s.source.port}>${s.destination.ip}:${s.destination.port}/${s.ssrc}`,
      payloadTypes: new Set(s.payloadTypes),
      decodedByTshark: s.decoded === s.frames.length,
      ...analyseStream(s, 0, 1),
    })),
    merged: streams.map((s) => ({ ssrc: s.ssrc, repeatedAcrossLegs: s.repeatedAcrossLegs, ...analyseStream(s, 0, 1) })),
  };
}

const CAPTURES = [
  ...readdirSync(SHARED_CAPTURES, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.pcap(ng)?$/.test(e.name))
    .map((e) => e.name),
  ...readdirSync(join(SHARED_CAPTURES, 'teams-activities'))
    .filter((name) => /\.pcap(ng)?$/.test(name))
    .map((name) => `teams-activities/${name}`),
  ...readdirSync(join(SHARED_CAPTURES, 'teams-more'))
    .filter((name) => /\.pcap(ng)?$/.test(name))
    .map((name) => `teams-more/${name}`),
].sort();

// The done-when of issue 17: every stream's lost count and max delta as tshark's own RTP analysis gives them,
// with the same heuristics (relayed media inside TURN ChannelData included), and jitter where tshark knows the clock.
describe('call quality against tshark -z rtp,streams', function () {
  it('finds the captures', function () {
    sharedCapture(this, 'rtp.pcapng');
    assert.ok(CAPTURES.length >= 50, `${CAPTURES.length} captures`);
  });
  for (const capture of CAPTURES) {
    it(`${capture}: same streams, lost and max delta${capture === 'rtp.pcapng' ? ', and jitter' : ''}`, async function () {
      const path = sharedCapture(this, capture);
      const [theirs, { legs: ours, merged, reported }] = await Promise.all([
        tsharkStreams(path),
        teamsharkStreams(path),
      ]);
      const mine = new Map(ours.map((s) => [s.key, s]));
      // Legs the media-plane reader alone read (relay framings tshark does not decode) are beside tshark's list.
      const decoded = ours.filter((s) => theirs.some((t) => t.key === s.key));
      assert.deepEqual(decoded.map((s) => s.key).sort(), theirs.map((s) => s.key).sort(), 'streams');
      for (const s of ours.filter((s) => !decoded.includes(s)))
        assert.ok(!s.decodedByTshark, `${s.key}: tshark decodes it, yet lists no such stream`);
      // The merged view beside it: one stream per SSRC, every leg's packets once; an SSRC on one leg is that leg.
      for (const m of merged) {
        const legs = ours.filter((s) => s.key.endsWith(`/${m.ssrc}`));
        assert.equal(m.packets, legs.reduce((sum, leg) => sum + leg.packets, 0) - m.repeatedAcrossLegs, m.ssrc);
        if (legs.length === 1) assert.equal(m.lost, legs[0]!.lost, `${m.ssrc} lost`);
      }
      for (const t of theirs.filter((t) => mine.get(t.key)!.decodedByTshark)) {
        const s = mine.get(t.key)!;
        assert.equal(s.packets, t.packets, `${t.key} packets`);
        assert.equal(s.lost, t.lost, `${t.key} lost`);
        assert.equal(reported.get(t.key)?.packets, t.packets, `${t.key} packets in the report's RTP streams`);
        assert.equal(reported.get(t.key)?.lost, t.lost, `${t.key} lost in the report's RTP streams`);
        assert.ok(
          Math.abs(s.maxDeltaMs - t.maxDelta) < 0.0015,
          `${t.key} max delta ${s.maxDeltaMs} ms, tshark ${t.maxDelta} ms`,
        );
        // tshark knows the clock of static payload types only (jitter 0 otherwise, for want of SDP).
        if ([...s.payloadTypes].every((pt) => pt < 96)) {
          assert.ok(s.jitter, `${t.key}: no jitter though the payload type's clock is known`);
          assert.ok(
            Math.abs(s.jitter.maxMs - t.maxJitter) < 0.0015,
            `${t.key} max jitter ${s.jitter.maxMs} ms, tshark ${t.maxJitter} ms`,
          );
          assert.ok(
            Math.abs(s.jitter.meanMs - t.meanJitter) < 0.0015,
            `${t.key} mean jitter ${s.jitter.meanMs} ms, tshark ${t.meanJitter} ms`,
          );
        }
      }
    });
  }
  it('compares jitter on a stream whose clock tshark knows (rtp.pcapng, H.263 at 90 kHz)', async function () {
    const path = sharedCapture(this, 'rtp.pcapng');
    const theirs = (await tsharkStreams(path)).filter((t) => t.maxJitter > 0);
    assert.ok(theirs.length >= 1, 'a stream with jitter');
    const ours = new Map((await teamsharkStreams(path)).legs.map((s) => [s.key, s]));
    for (const t of theirs) assert.equal(ours.get(t.key)?.jitter?.maxMs, t.maxJitter);
  });
});
