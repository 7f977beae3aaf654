import assert from 'node:assert/strict';
import { renderMarkdown } from '../core/report/markdown.js';
import { renderAnalysisBody } from '../extension/view/render.js';
import { analyzed, sampleCapture, sharedCapture } from './helpers.js';

/**
 * A quality figure printed without its unit: a metric's name, perhaps "(mean)" or its window, then a number that
 * no unit follows ("packet loss 77.8 (poor …" instead of "packet loss 77.8 %").
 */
const FIGURE_WITHOUT_UNIT =
  /\b(packet loss|burst loss|loss|jitter|round trip|RTT|frame rate|max delta|bitrate)(?: \(mean\))?(?: in an? \d+ m?s window)? (\d+(?:\.\d+)?)(?![\d.]| ?(?:%|ms\b|s\b|fps\b|kbit\/s|pkt\/s|Hz|kHz| of\b))/gi;

function figuresWithoutUnits(text: string): string[] {
  // Table cells take their unit from the column header ("Jitter mean / max (ms)"): only prose is scanned.
  const prose = text
    .split('\n')
    .filter((line) => !line.startsWith('|'))
    .join('\n')
    .replace(/<[^>]+>/g, ' ');
  return [...prose.matchAll(FIGURE_WITHOUT_UNIT)].map((m) => m[0]);
}

// Issue 27: every figure in the report's text carries its unit ("16.2 %", "56.8 ms").
describe('units on every quality figure the reports print', function () {
  const captures: [string, (context: Mocha.Context) => string][] = [
    [
      'teams-activities/video-4g-K3VG-60sec.pcapng',
      (c) => sharedCapture(c, 'teams-activities/video-4g-K3VG-60sec.pcapng'),
    ],
    ['teams-more/audio-file-Z1.pcapng', (c) => sharedCapture(c, 'teams-more/audio-file-Z1.pcapng')],
    ['sample bad-network-loss', () => sampleCapture('bad-network-loss').path],
    ['sample bad-network-jitter', () => sampleCapture('bad-network-jitter').path],
  ];
  for (const [name, path] of captures) {
    it(`${name}: the Markdown report and the view`, async function () {
      const capture = path(this);
      const report = await analyzed(capture);
      assert.ok(report.quality?.streams.length, 'a capture with call quality to print');
      assert.deepEqual(figuresWithoutUnits(renderMarkdown(report)), [], 'Markdown');
      assert.deepEqual(figuresWithoutUnits(renderAnalysisBody(report, capture)), [], 'view');
    });
  }

  it('catches a figure without its unit, and passes one with it', function () {
    assert.deepEqual(figuresWithoutUnits('inbound audio: packet loss 77.8 (poor: > 10 %)'), ['packet loss 77.8']);
    assert.deepEqual(figuresWithoutUnits('jitter (mean) 56.835 ms, packet loss in a 15 s window 20.9 %'), []);
  });
});
