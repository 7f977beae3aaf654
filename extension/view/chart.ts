import { compile, type TopLevelSpec } from 'vega-lite';
import type { Report } from '../../core/schema/generated/report.js';
import { plainText } from '../../core/report/escape.js';

/**
 * The view's interactive chart as a Vega spec (compiled from Vega-Lite here, in the extension, so the page
 * needs only the Vega runtime and its CSP-safe expression interpreter): packets per second by protocol with
 * tooltips, the activity windows and call phases as bands on the same time axis, and an x brush named
 * `brush` whose range filters the tables.
 *
 * A line is one path, so its tooltip comes from transparent points on it, one per bin. The bands' legend
 * names each band by its lane ("activity: call-setup", "phase: setup"): the activity call-setup and the
 * call's setup phase are different things, and only bands drawn are listed.
 */
export function viewChartSpec(report: Report): object {
  const { timeline, application, capture } = report;
  const rates = timeline.series.flatMap((s) =>
    s.packets.map((packets, bin) => ({
      second: Math.max(0, timeline.startOffset + bin * timeline.binSeconds),
      protocol: plainText(s.protocol),
      rate: packets / timeline.binSeconds,
      packets,
    })),
  );
  const bands = [
    ...application.timeline
      .filter((s) => s.activity !== 'idle')
      .map((s) => ({ start: s.start, end: s.end, band: `activity: ${plainText(s.activity)}`, lane: 'activity' })),
    ...application.phases
      .filter((p) => p.end > p.start)
      .map((p) => ({
        start: p.start,
        end: p.end,
        band: `phase: ${p.phase === 'app-start' ? 'app start-up' : `call ${p.phase}`}`,
        lane: p.phase === 'app-start' ? 'app phase' : 'call phase',
      })),
  ];
  const end = Math.max(capture.durationSec, ...bands.map((b) => b.end), 1);
  const x = {
    field: 'second',
    type: 'quantitative' as const,
    title: 'Time since the first packet (s)',
    scale: { domain: [0, end], nice: false },
  };
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 700,
    vconcat: [
      {
        height: 200,
        data: { values: rates },
        transform: [
          { calculate: "format(datum.second, '.1f') + ' s'", as: 'time' },
          { calculate: "format(datum.rate, ',.3~f')", as: 'perSecond' },
        ],
        mark: { type: 'line', interpolate: 'step-after', point: { filled: true, opacity: 0, size: 80 }, tooltip: true },
        params: [{ name: 'brush', select: { type: 'interval', encodings: ['x'] } }],
        encoding: {
          x,
          y: {
            field: 'rate',
            type: 'quantitative',
            title:
              timeline.binSeconds === 1 ? 'Packets per second' : `Packets per second (${timeline.binSeconds} s bins)`,
          },
          color: {
            field: 'protocol',
            type: 'nominal',
            title: 'Protocol',
            sort: timeline.series.map((s) => plainText(s.protocol)),
          },
          tooltip: [
            { field: 'time', type: 'nominal', title: 'Time' },
            { field: 'protocol', type: 'nominal', title: 'Protocol' },
            { field: 'perSecond', type: 'nominal', title: 'Packets/s' },
          ],
        },
      },
      {
        height: 40,
        data: { values: bands.length ? bands : [{ start: 0, end: 0, band: 'idle', lane: 'activity' }] },
        mark: { type: 'bar', tooltip: true, cornerRadius: 2 },
        encoding: {
          x: {
            field: 'start',
            type: 'quantitative',
            title: null,
            scale: { domain: [0, end], nice: false },
            axis: { labels: false, ticks: false },
          },
          x2: { field: 'end' },
          y: { field: 'lane', type: 'nominal', title: null },
          color: { field: 'band', type: 'nominal', title: 'Activity / phase', scale: { scheme: 'set2' } },
          tooltip: [
            { field: 'band', type: 'nominal', title: 'What' },
            { field: 'start', type: 'quantitative', title: 'From (s)', format: '.1f' },
            { field: 'end', type: 'quantitative', title: 'To (s)', format: '.1f' },
          ],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return compile(spec).spec;
}
