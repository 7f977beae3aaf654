import assert from 'node:assert/strict';
import { execa } from 'execa';
import { analyzed, sharedCapture } from './helpers.js';
import { TSHARK_ANALYSIS_OPTIONS } from '../core/tshark/run.js';

// A finding is only as good as its evidence: Wireshark, given the finding's filter, must show its frames.
describe('finding evidence, checked by tshark itself', function () {
  for (const capture of ['teams.pcap', 'stun.pcap', 'dns_doh.pcap', 'dns_dot.pcap', 'webex.pcap', 'tls_invalid_reads.pcap', 'tls-rdn-extract.pcap', 'teams-activities/audio-lan-K1AE.pcapng', 'teams-activities/video-4g-K3VG-60sec.pcapng']) {
    it(`every finding's display filter matches its frames in ${capture}`, async function () {
      const path = sharedCapture(this, capture);
      const report = await analyzed(path);
      assert.ok(report.findings.length > 0, 'no findings to check');
      for (const finding of report.findings) {
        const { stdout } = await execa('tshark', ['-r', path, ...TSHARK_ANALYSIS_OPTIONS, '-Y', finding.filter, '-T', 'fields', '-e', 'frame.number']);
        const shown = new Set(stdout.split('\n').filter(Boolean).map(Number));
        const missing = finding.frames.filter((frame) => !shown.has(frame));
        assert.deepEqual(missing, [], `${finding.id}: filter ${finding.filter} does not show frames ${missing.join(', ')}`);
      }
    });
  }
});
