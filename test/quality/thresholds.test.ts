import assert from 'node:assert/strict';
import { AUDIO_MINIMUM_PACKETS, crossedText, judgeStream, type StreamMeasures } from '../../core/quality/thresholds.js';

const NO_WINDOWS = {} as StreamMeasures['windows'];

function audio(measures: Partial<StreamMeasures>): StreamMeasures {
  return { kind: 'audio', direction: 'inbound', packets: 1500, lossPercent: 0, windows: NO_WINDOWS, ...measures };
}

// Microsoft Learn, "Stream classification in Call Quality Dashboard (CQD)": an audio stream is Poor when its
// round trip > 500 ms, packet loss rate > 0.1 or jitter > 30 ms, and its Packet Utilization is > 500 packets.
describe("stream verdicts as the Call Quality Dashboard's classifier applies them", function () {
  it('judges a received audio stream over 500 packets poor on loss over 10 %, naming the rule and its source', function () {
    const judged = judgeStream(audio({ lossPercent: 12.5 }));
    assert.equal(judged.verdict, 'poor');
    assert.deepEqual(
      judged.crossed.map((c) => [c.metric, c.value, c.unit, c.threshold, c.rule]),
      [['packet loss', 12.5, '%', '> 10 %', 'CQD audio classifier: Packet Loss Rate > 0.1']],
    );
    assert.match(judged.crossed[0]!.source, /Stream classification in Call Quality Dashboard/);
    assert.equal(
      crossedText(judged.crossed[0]!),
      'packet loss 12.5 % (> 10 %; CQD audio classifier: Packet Loss Rate > 0.1)',
    );
  });

  it('names the VBSS classifier’s rule for a screen share, as the dashboard names it', function () {
    const share = { kind: 'screen-sharing', direction: 'inbound', packets: 400, lossPercent: 20, windows: NO_WINDOWS };
    const judged = judgeStream(share as StreamMeasures);
    assert.deepEqual(
      judged.crossed.map((c) => c.rule),
      ['CQD VBSS classifier: Video Post FECPLR > 0.15'],
    );
  });

  it(`leaves audio of ${AUDIO_MINIMUM_PACKETS} packets or fewer unclassified, however lossy`, function () {
    const judged = judgeStream(audio({ packets: AUDIO_MINIMUM_PACKETS, lossPercent: 77.8 }));
    assert.equal(judged.verdict, 'not-judged');
    assert.match(judged.notJudgedBecause!, /too short: an audio stream is classified only over 500 packets/);
    assert.equal(judgeStream(audio({ packets: AUDIO_MINIMUM_PACKETS + 1, lossPercent: 77.8 })).verdict, 'poor');
  });

  it('gives no verdict where loss cannot be measured, and says why', function () {
    const judged = judgeStream(audio({ lossPercent: 30, lossNotMeasured: '4 datagrams were cut by the snap length' }));
    assert.equal(judged.verdict, 'not-judged');
    assert.equal(judged.notJudgedBecause, 'loss cannot be measured: 4 datagrams were cut by the snap length');
  });

  it('gives a stream the capturing host sent no verdict: it is judged where it is received', function () {
    const judged = judgeStream(audio({ direction: 'outbound', lossPercent: 50 }));
    assert.equal(judged.verdict, 'not-judged');
    assert.match(judged.notJudgedBecause!, /sent by the capturing host/);
  });

  it('judges a received screen share by its frame rate (under 2 fps is poor)', function () {
    const share = {
      kind: 'screen-sharing',
      direction: 'inbound',
      packets: 400,
      lossPercent: 0,
      windows: NO_WINDOWS,
    } as const;
    assert.equal(judgeStream({ ...share, frameRate: 1.5 }).verdict, 'poor');
    assert.equal(judgeStream({ ...share, frameRate: 2 }).verdict, 'good');
  });
});
