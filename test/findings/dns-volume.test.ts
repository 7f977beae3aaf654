import assert from 'node:assert/strict';
import { dnsVolume } from '../../core/findings/dns-volume.js';
import type { DnsTransaction, RtpStream } from '../../core/schema/generated/report.js';
import { captureModel, dnsTransaction, rtpStream } from '../builders/capture-model.js';
import { factsFrom, findingsOfRule } from '../builders/finding-facts.js';

const lookupAt = (time: number, queryFrame: number) => dnsTransaction({ name: 'a.example', time, queryFrame });
/** Call media from 10 s to 40 s of a 60 s capture. */
const call = rtpStream({ source: '192.168.1.6:50010', destination: '52.114.250.123:3478', start: 10, end: 40 });

function findings(dns: DnsTransaction[], streams: RtpStream[] = [call], durationSec = 60) {
  const capture = { ...captureModel().capture, durationSec };
  return findingsOfRule(dnsVolume, factsFrom({ capture, dns, rtp: { streams, rtcp: [] } }));
}

describe('findings/dns-volume: DNS lookups while call media flows', function () {
  it('compares the lookup rate during the call with the rest of the capture, per minute', function () {
    const [finding] = findings([lookupAt(12, 100), lookupAt(20, 200), lookupAt(39, 300), lookupAt(50, 400)]);
    assert.equal(finding!.id, 'dns-volume-during-call');
    assert.equal(finding!.section, 'dns');
    assert.equal(finding!.severity, 'info');
    assert.equal(finding!.title, '6 DNS lookups per minute while call media flows, 2 outside it');
    assert.match(finding!.detail, /^3 of 4 lookups fall in the 30 s from the first media packet \(10 s\)/);
    assert.deepEqual(finding!.frames, [100, 200, 300]);
    assert.equal(finding!.filter, 'dns && frame.time_relative >= 10 && frame.time_relative <= 40');
  });

  it('says nothing without lookups during the call', function () {
    assert.deepEqual(findings([lookupAt(50, 400)]), []);
  });

  it('says nothing when the call or the rest of the capture is too short for a rate', function () {
    assert.deepEqual(findings([lookupAt(12, 100)], [call], 31), []);
    const blip = rtpStream({ source: '192.168.1.6:50010', destination: '52.114.250.123:3478', start: 10, end: 11 });
    assert.deepEqual(findings([lookupAt(10.5, 100)], [blip]), []);
  });

  it('counts only streams of 20 packets or more as call media', function () {
    assert.deepEqual(findings([lookupAt(12, 100)], [{ ...call, packets: 19 }]), []);
  });
});
