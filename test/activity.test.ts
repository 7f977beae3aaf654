import assert from 'node:assert/strict';
import { readFile } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { execa } from 'execa';
import { classifyActivity } from '../core/classify/activity.js';
import type { Flow, MediaStream, RtpStream } from '../core/schema/generated/report.js';
import { analyzed, courseLabels, sharedCapture, temporaryFolder } from './helpers.js';
import { analyzeCapture } from '../core/analyze.js';
import { renderMarkdown } from '../core/report/markdown.js';

interface Exception {
  file: string;
  label: string;
  teamshark: string;
  reason: string;
}

// What the user was doing, read from the traffic alone, against the course's labels.
describe('dominant activity on the 40 labelled course captures', function () {
  it('is right on at least 90 %, and every miss is a listed exception with its reason', async function () {
    const rows = courseLabels();
    if (rows.length === 0) sharedCapture(this, 'teams-activities/LABELS.tsv');
    const exceptions: Exception[] = JSON.parse(await promisify(readFile)(new URL('../../test/fixtures/activity-exceptions.json', import.meta.url), 'utf8'));
    const confusion = new Map<string, Map<string, number>>();
    const misses: Exception[] = [];
    for (const { file, activity } of rows) {
      const report = await analyzed(sharedCapture(this, `teams-activities/${file}`));
      const got = report.application.dominantActivity;
      const row = confusion.get(activity) ?? new Map<string, number>();
      row.set(got, (row.get(got) ?? 0) + 1);
      confusion.set(activity, row);
      if (got !== activity) misses.push({ file, label: activity, teamshark: got, reason: report.application.reason });
    }
    const columns = [...new Set([...confusion.values()].flatMap((r) => [...r.keys()]))].sort();
    console.log(`      label \\ teamshark  ${columns.map((c) => c.padStart(7)).join('')}`);
    for (const [label, row] of confusion) console.log(`      ${label.padEnd(18)} ${columns.map((c) => String(row.get(c) ?? 0).padStart(7)).join('')}`);
    const correct = rows.length - misses.length;
    console.log(`      ${correct}/${rows.length} correct`);
    assert.ok(correct / rows.length >= 0.9, `${correct}/${rows.length}`);
    for (const miss of misses) {
      const listed = exceptions.find((e) => e.file === miss.file);
      assert.ok(listed, `unlisted miss: ${JSON.stringify(miss)}`);
      assert.equal(listed.teamshark, miss.teamshark, miss.file);
      assert.ok(listed.reason.length > 40);
    }
    assert.deepEqual(exceptions.filter((e) => !misses.some((m) => m.file === e.file)).map((e) => e.file), [], 'stale exceptions');
  });

  it('labels a call capture’s windows over time: set-up, then the call, with its phases', async function () {
    const report = await analyzed(sharedCapture(this, 'teams-activities/video-lan-K1VE.pcapng'));
    const { application } = report;
    assert.equal(application.dominantActivity, 'video');
    assert.deepEqual(application.activities.slice(0, 2), ['video', 'audio']);
    const call = application.timeline.find((s) => s.activity === 'video')!;
    assert.ok(call.activities.includes('audio'));
    assert.deepEqual(application.phases.map((p) => p.phase), ['setup', 'signalling', 'media', 'end']);
    const setup = application.phases[0]!;
    assert.ok(setup.end - setup.start > 0.5 && setup.end - setup.start < 15, `set-up lasts ${setup.end - setup.start} s`);
    assert.ok(report.findings.some((f) => f.id.startsWith('activity/video-')));
    const markdown = renderMarkdown(report);
    assert.match(markdown, /^\| \d+–\d+ s \| video \| [\d.]+ \|/m, 'the segments compared, packets per second per protocol');
  });
});

describe('activities the course set lacks, built from real traffic', function () {
  const folder = temporaryFolder('activity');

  it('an audio call with its media and signalling filtered out reads as idle', async function () {
    const source = sharedCapture(this, 'teams-activities/audio-lan-K1AE.pcapng');
    const report = await analyzed(source);
    // Keep only what a client sends in the background: DNS, local discovery and its telemetry connections.
    const telemetry = report.flows.filter((f) => f.service?.name === 'telemetry').map((f) => `tcp.stream eq ${f.stream}`);
    const filter = ['dns', 'arp', 'ssdp', 'mdns', ...telemetry].join(' || ');
    const idle = join(folder(), 'idle.pcapng');
    await execa('tshark', ['-r', source, '-Y', filter, '-w', idle]);
    const idleReport = await analyzeCapture(idle);
    assert.equal(idleReport.application.dominantActivity, 'idle', idleReport.application.reason);
    assert.deepEqual(idleReport.application.phases, []);
  });

  it('a video-like stream from the Teams sharing port range reads as screen sharing', function () {
    const flow = { id: 'udp:1', transport: 'udp', stream: 1, start: 0, end: 30, firstFrame: 1, lastFrame: 900 } as Flow;
    const stream = { ssrc: '0x00000001', flowId: 'udp:1', source: { ip: '192.168.1.2', port: 50045 }, start: 2, end: 30, firstFrame: 5, lastFrame: 900 } as RtpStream;
    const media = { flowId: 'udp:1', ssrc: '0x00000001', source: stream.source, kind: 'screen-sharing', durationSec: 28, pps: 12, kbps: 400, direction: 'outbound', payloadTypes: [122], firstFrame: 5, filter: 'rtp.ssrc == 0x00000001' } as MediaStream;
    const { application } = classifyActivity({ durationSec: 30, flows: [flow], media: [media], streams: [stream], stun: [], payload: new Map() });
    assert.equal(application.dominantActivity, 'screenshare');
    assert.deepEqual(application.phases.map((p) => p.phase), ['media', 'screenshare-start', 'end']);
  });
});
