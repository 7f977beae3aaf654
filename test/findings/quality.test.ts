import assert from 'node:assert/strict';
import { callQuality as callQualityRule } from '../../core/findings/quality.js';
import type { CallQuality, StreamQuality } from '../../core/schema/generated/report.js';
import { callQuality, factsFrom, findingsOfRule, streamQuality } from '../builders/finding-facts.js';

const findings = (quality: CallQuality | undefined) => findingsOfRule(callQualityRule, factsFrom({}, quality));
const ids = (quality: CallQuality) => findings(quality).map((f) => f.id);

const good = streamQuality({ source: '192.168.1.6:50010', destination: '52.114.250.123:3478', firstFrame: 20 });
const lossy: StreamQuality = {
  ...good,
  ssrc: '0x22222222',
  flowId: 'udp:4',
  direction: 'inbound',
  source: { ip: '52.114.250.123', port: 3478 },
  destination: { ip: '192.168.1.6', port: 50010 },
  lost: 60,
  lossPercent: 12,
  verdict: 'poor',
  crossed: [{ metric: 'loss', value: 12, threshold: '> 10 %', source: 'Microsoft CQD poor-stream thresholds' }],
  gaps: [{ start: 5.5, durationMs: 400, cause: 'loss', missing: 20, frames: [500, 530] }],
};

describe('findings/quality: the call quality as the network delivered it', function () {
  it('gives a good call an info verdict with every judged stream as evidence', function () {
    const [verdict] = findings(callQuality([good], 'good', 'every stream within the thresholds'));
    assert.equal(verdict!.id, 'call-quality/good');
    assert.equal(verdict!.section, 'quality');
    assert.equal(verdict!.severity, 'info');
    assert.equal(verdict!.title, 'The call was good, as the network delivered it');
    assert.deepEqual(verdict!.frames, [20]);
    assert.equal(verdict!.filter, '(udp.stream == 0 && ip.src == 192.168.1.6)');
  });

  it('warns of a poor call, with the poor stream, its crossed threshold and the packets around its gap', function () {
    assert.deepEqual(ids(callQuality([good, lossy], 'poor')), [
      'call-quality/poor',
      'stream-poor/0x22222222',
      'media-gaps/0x22222222',
    ]);
    const [verdict, poor] = findings(callQuality([good, lossy], 'poor'));
    assert.equal(verdict!.severity, 'warning');
    assert.deepEqual(verdict!.frames, [20], 'the poor call is shown by its poor streams only');
    assert.equal(poor!.title, 'inbound audio 0x22222222 was poor: loss 12 % above 10 %');
    assert.deepEqual(poor!.frames, [500, 530]);
    assert.equal(
      poor!.filter,
      'udp.stream == 4 && ip.src == 52.114.250.123 && (frame.number == 500 || frame.number == 530)',
    );
  });

  it('leaves silence (DTX) out of the gaps', function () {
    const quiet = {
      ...good,
      gaps: [{ start: 1, durationMs: 900, cause: 'dtx' as const, missing: 0, frames: [40, 41] }],
    };
    assert.deepEqual(ids(callQuality([quiet], 'good')), ['call-quality/good']);
  });

  it('warns of media over TCP, and notes outbound media marked with another DSCP than Microsoft advises', function () {
    const overTcp = { ...good, path: 'relayed-tcp-443' as const, flowId: 'tcp:2' };
    const [, tcp] = findings(callQuality([overTcp], 'good'));
    assert.equal(tcp!.id, 'media-over-tcp/0x11111111');
    assert.equal(tcp!.severity, 'warning');
    assert.equal(tcp!.title, 'outbound audio 0x11111111 runs over relayed TCP 443');
    const unmarked = { ...good, expectedDscp: 46, dscp: [{ value: 0, name: 'CS0', packets: 500 }] };
    const [, dscp] = findings(callQuality([unmarked], 'good'));
    assert.equal(dscp!.id, 'dscp-marking/0x11111111');
    assert.equal(dscp!.title, 'outbound audio 0x11111111 leaves marked DSCP 0 (CS0), not 46');
    assert.equal(dscp!.filter, 'udp.stream == 0 && ip.src == 192.168.1.6 && ip.dsfield.dscp == 0');
  });

  it('says nothing without call quality, or of streams it could not judge', function () {
    assert.deepEqual(findings(undefined), []);
    assert.deepEqual(ids(callQuality([{ ...good, verdict: 'not-judged' }], 'unknown')), []);
  });
});
