import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCapture } from '../core/analyze.js';
import type { ErrorCode } from '../core/util/errors.js';
import type { Report } from '../core/schema/generated/report.js';
import { assertTeamsharkError } from './assert-error.js';
import { assertValidReport, sharedCapture, temporaryFolder } from './helpers.js';
import { TSHARK_ANALYSIS_OPTIONS } from '../core/tshark/run.js';

/**
 * What each damaged copy must give, pinned as the fuzz corpus pins its cases (test/fuzz/corpus.ts), but
 * exactly: a report with these packets and these warnings (code → frames), or a one-line error of this code.
 * Then tshark is asked the same questions: how many packets it reads, and
 * whether each warned frame holds what the warning is about.
 */
type Expected = { packets: number; warnings: Record<string, number[]> } | { error: ErrorCode };

/** What tshark must show in a frame that a warning of this code lists. */
const WARNED_FRAME_HOLDS: Record<
  string,
  { what: string; holds: (protocols: string, handshakeTypes: string) => boolean }
> = {
  'dns-records-unread': { what: 'a DNS message', holds: (protocols) => /(?:^|:)dns(?::|$)/.test(protocols) },
  'certificate-unreadable': { what: 'a TLS Certificate message', holds: (_, types) => types.split(',').includes('11') },
  'stun-addresses-unlabelled': {
    what: 'a STUN message',
    holds: (protocols) => /(?:^|:)(?:classic)?stun(?::|$)/.test(protocols),
  },
  'truncated-capture': { what: '', holds: () => true },
  'no-packets': { what: '', holds: () => true },
};

const CUT_SHORT: Expected = { error: 'capture-damaged' };
const truncated = (packets: number): Expected => ({ packets, warnings: { 'truncated-capture': [] } });

/** Packets tshark reads before it stops (with the analysis' own options), each with its protocols and TLS handshake types. */
async function tsharkFrames(path: string): Promise<Map<number, { protocols: string; handshakeTypes: string }>> {
  const { stdout } = await execa(
    'tshark',
    [
      ...TSHARK_ANALYSIS_OPTIONS,
      '-r',
      path,
      '-T',
      'fields',
      '-e',
      'frame.number',
      '-e',
      'frame.protocols',
      '-e',
      'tls.handshake.type',
    ],
    { reject: false },
  );
  const frames = new Map<number, { protocols: string; handshakeTypes: string }>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [frame, protocols = '', handshakeTypes = ''] = line.split('\t');
    frames.set(Number(frame), { protocols, handshakeTypes });
  }
  return frames;
}

async function assertOutcome(path: string, expected: Expected): Promise<void> {
  let report: Report | undefined;
  let error: unknown;
  try {
    report = await analyzeCapture(path);
  } catch (caught) {
    error = caught;
  }
  const frames = await tsharkFrames(path);
  if ('error' in expected) {
    assert.ok(!report, `${path}: expected the error ${expected.error}, got a report`);
    assertTeamsharkError(error, expected.error);
    assert.equal(frames.size, 0, 'tshark reads no packet either');
    return;
  }
  assert.ok(report, `${path}: expected a report, got ${(error as Error | undefined)?.stack}`);
  assertValidReport(report);
  assert.equal(report.capture.packets, expected.packets);
  assert.equal(frames.size, expected.packets, 'tshark reads as many packets');
  assert.deepEqual(Object.fromEntries(report.warnings.map((w) => [w.code, w.frames ?? []])), expected.warnings);
  for (const warning of report.warnings) {
    assert.doesNotMatch(warning.message, /\n/);
    const { what, holds } = WARNED_FRAME_HOLDS[warning.code]!;
    for (const frame of warning.frames ?? []) {
      const seen = frames.get(frame);
      assert.ok(
        seen && holds(seen.protocols, seen.handshakeTypes),
        `${warning.code}: tshark shows no ${what} in frame ${frame} (${seen?.protocols})`,
      );
    }
  }
  if (!report.warnings.length) {
    // No warning is only true when nothing could have been unreadable: tshark sees no DNS, certificate or STUN message.
    for (const [frame, seen] of frames) {
      for (const { what, holds } of Object.values(WARNED_FRAME_HOLDS))
        assert.ok(!what || !holds(seen.protocols, seen.handshakeTypes), `frame ${frame} holds ${what}, yet no warning`);
    }
  }
  if (expected.warnings['truncated-capture']) {
    assert.equal(
      report.warnings.find((w) => w.code === 'truncated-capture')!.message,
      `the capture is cut short in the middle of a packet: the analysis covers the ${expected.packets} packet(s) before it`,
    );
  }
}

// A bounded sample of damaged real captures, reproducible from fixed seeds and offsets.
describe('damaged copies of teams.pcap', function () {
  const folder = temporaryFolder('corrupted');

  // editcap -E changes bytes inside packets only: every copy keeps its 1540 packets; what breaks is what they hold.
  for (const [probability, seed, warnings] of [
    [
      0.01,
      1,
      {
        'dns-records-unread': [11, 264, 383, 587, 730, 1022, 1081, 1162, 1241, 1372],
        'certificate-unreadable': [59, 327, 399, 1047, 1094, 1151],
        'stun-addresses-unlabelled': [1277],
      },
    ],
    [
      0.02,
      2,
      { 'dns-records-unread': [249, 383, 720, 721, 1080, 1081, 1138, 1162], 'certificate-unreadable': [59, 162, 805] },
    ],
    [
      0.05,
      3,
      {
        'dns-records-unread': [
          249, 257, 260, 262, 264, 312, 333, 383, 424, 587, 665, 720, 721, 723, 1022, 1081, 1139, 1241,
        ],
      },
    ],
    [0.1, 4, { 'dns-records-unread': [11, 248, 257, 262, 264, 383, 587, 716, 717, 723, 1081] }],
    [0.2, 5, { 'dns-records-unread': [10, 257, 587, 723, 728, 729] }],
    // Half the bytes changed: tshark reads no DNS, TLS Certificate or STUN message any more (one TLS record, frame 469).
    [0.5, 6, {}],
  ] as const) {
    it(`bytes flipped with probability ${probability} (editcap -E, seed ${seed}): a report of 1540 packets, warnings ${Object.keys(warnings).join(', ') || 'none'}`, async function () {
      const path = join(folder(), `flipped-${seed}.pcap`);
      await execa('editcap', [
        '-E',
        String(probability),
        '--seed',
        String(seed),
        sharedCapture(this, 'teams.pcap'),
        path,
      ]);
      await assertOutcome(path, { packets: 1540, warnings: structuredClone(warnings) as Record<string, number[]> });
    });
  }

  // The pcap file header is 24 bytes, the first record header 16 more, and the first packet (321 bytes) ends at byte 361.
  for (const [offset, expected] of [
    [23, CUT_SHORT],
    [24, { packets: 0, warnings: { 'no-packets': [] } }],
    [40, CUT_SHORT],
    [100, CUT_SHORT],
    [1000, truncated(9)],
    [65_537, truncated(116)],
    [350_001, truncated(621)],
    [704_178, truncated(1539)],
  ] as const) {
    it(`cut at byte ${offset}: ${'error' in expected ? 'a one-line error' : `a report of ${expected.packets} packets, warning ${Object.keys(expected.warnings).join(', ')}`}`, async function () {
      const original = await readFile(sharedCapture(this, 'teams.pcap'));
      const path = join(folder(), `cut-${offset}.pcap`);
      await writeFile(path, original.subarray(0, offset));
      await assertOutcome(path, structuredClone(expected) as Expected);
    });
  }
});
