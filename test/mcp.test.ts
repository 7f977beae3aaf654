import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { chmod, copyFile, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { execa } from 'execa';
import { answersOf } from '../core/mcp/tools/analyze-capture.js';
import type { Report } from '../core/schema/generated/report.js';
import {
  CLI,
  SHARED_CAPTURES,
  analysisPasses,
  analyzed,
  countingTshark,
  parseReport,
  runCli,
  sampleCapture,
  sharedCapture,
  sharedCaptureNames,
  temporaryFolder,
} from './helpers.js';
import { PACKET_FIELDS } from '../core/mcp/tools/packets.js';
import { FINDING_RULES, findingSource } from '../core/findings/rules.js';

/** What any answer of any tool stays under (README, "For AI agents"): an agent's context is not a log file. */
const ANSWER_BYTES = 128 * 1024;

/** What a finding's detail text cites: an RFC, a Microsoft Learn page, Mozilla's TLS guidelines. */
const CITATION = /RFC \d+|learn\.microsoft\.com\/[\w/.-]+\b|Mozilla Server Side TLS/g;
/** The kinds (or whole ids) of finding the rules give a source for. */
const SOURCE_KEYS = FINDING_RULES.flatMap((rule) => Object.keys(rule.sources ?? {}));

/** An audio call of the course captures, and a sample scenario whose call is poor by construction. */
const CALL = 'teams-activities/audio-lan-K1AE-60sec.pcapng';
const POOR_CALL = 'bad-network-loss';

interface AnalyzeAnswer {
  capture: { packets: number };
  answers: unknown;
  findings: unknown[];
}
interface QualityAnswer {
  verdict: string;
  streams: AnsweredStream[];
  streamsLeftOut: number;
}
type ReportStream = NonNullable<Report['quality']>['streams'][number];
type AnsweredStream = Omit<ReportStream, 'series'> & { gapsLeftOut: number };

/**
 * A stream as call_quality gives it is the report's, figure for figure, without its per-bin series (chart
 * data) and with its longest gaps only: each one of the report's, the rest counted.
 */
function assertSameStream(given: AnsweredStream, stream: ReportStream): void {
  const { series: _series, gaps, ...figures } = JSON.parse(JSON.stringify(stream)) as ReportStream;
  const { gaps: givenGaps, gapsLeftOut, ...givenFigures } = given;
  assert.deepEqual(givenFigures, figures, stream.ssrc);
  assert.equal(givenGaps.length + gapsLeftOut, gaps.length, `${stream.ssrc} gaps`);
  for (const gap of givenGaps)
    assert.ok(
      gaps.some((g) => isDeepStrictEqual(g, gap)),
      `${stream.ssrc}: gap ${JSON.stringify(gap)} not in the report`,
    );
}
interface PacketsAnswer {
  rows: string[][];
  matched: number;
  leftOut: number;
}

/**
 * `teamshark mcp` as a child process, with the SDK's client talking to it over stdio. The SDK passes on only a
 * few variables (HOME, PATH…): the test run's cache folder is added (test/isolated-cache.cjs).
 */
async function startServer(args: string[], cwd?: string, env: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'teamshark-test', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', ...args],
      cwd,
      stderr: 'pipe',
      env: { ...getDefaultEnvironment(), TEAMSHARK_CACHE_DIR: process.env.TEAMSHARK_CACHE_DIR!, ...env },
    }),
  );
  return client;
}

async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args }, undefined, { signal, timeout: 280_000 })) as CallToolResult;
}

/** The one-line text of a tool error. */
async function toolErrorOf(result: Promise<CallToolResult>): Promise<string> {
  const { isError, content, structuredContent } = await result;
  assert.equal(isError, true, `should have failed: ${JSON.stringify(structuredContent)}`);
  const text = (content[0] as { text: string }).text;
  assert.doesNotMatch(text, /\n| {4}at /, 'one line, no stack trace');
  return text;
}

describe("teamshark mcp: the tools an agent calls, over stdio with the SDK's own client", function () {
  this.timeout(300_000);
  let client: Client;
  let samples = '';

  before(async function () {
    sharedCapture(this, 'teams.pcap');
    samples = dirname(sampleCapture(POOR_CALL).path);
    client = await startServer(['--root', SHARED_CAPTURES, '--root', samples]);
  });
  after(async () => client?.close());

  const call = (name: string, args: Record<string, unknown>, signal?: AbortSignal) =>
    callTool(client, name, args, signal);
  async function answer<Answer>(name: string, args: Record<string, unknown>): Promise<Answer> {
    const result = await call(name, args);
    assert.ok(!result.isError, `${name} failed: ${JSON.stringify(result.content)}`);
    return result.structuredContent as Answer;
  }
  const toolError = (name: string, args: Record<string, unknown>) => toolErrorOf(call(name, args));

  it('lists its tools, each with an input and an output schema, all read-only', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(
      tools.map((t) => t.name),
      ['analyze_capture', 'get_finding', 'call_quality', 'packets', 'compare_captures', 'query_dataset'],
    );
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object');
      assert.equal(tool.outputSchema?.type, 'object');
      assert.equal(tool.annotations?.readOnlyHint, true);
    }
  });

  for (const capture of ['teams.pcap', CALL]) {
    it(`analyze_capture and get_finding on ${capture}: the report's answers and findings, each finding whole`, async function () {
      const report = await analyzed(sharedCapture(this, capture));
      const summary = await answer<AnalyzeAnswer>('analyze_capture', { path: capture });
      assert.deepEqual(summary.answers, JSON.parse(JSON.stringify(answersOf(report))));
      assert.deepEqual(
        summary.findings,
        report.findings.map(({ id, section, severity, title }) => ({ id, section, severity, title })),
      );
      assert.equal(summary.capture.packets, report.capture.packets);
      for (const finding of report.findings.slice(0, 5)) {
        const whole = await answer('get_finding', { path: capture, id: finding.id });
        assert.deepEqual(whole, {
          ...finding,
          rule: finding.id.split('/')[0],
          source: findingSource(finding.id) ?? null,
        });
      }
    });
  }

  it("get_finding's source is the standard the finding's detail cites; every source a rule gives is met", async function () {
    const captures = [
      ...['teams.pcap', 'webex.pcap', 'dns_doh.pcap', 'dns_dot.pcap', CALL].map((name) => sharedCapture(this, name)),
      ...[POOR_CALL, 'weak-tls', 'ice-path-change', 'conference-media-server'].map((name) => sampleCapture(name).path),
    ];
    const met = new Set<string>();
    for (const capture of captures) {
      const report = await analyzed(capture);
      for (const finding of report.findings) {
        const source = findingSource(finding.id);
        const cited: string[] = finding.detail.match(CITATION) ?? [];
        if (cited.length) assert.ok(source, `${finding.id} cites ${cited.join(', ')} and has no source`);
        if (!source) continue;
        met.add(SOURCE_KEYS.find((key) => key === finding.id) ?? finding.id.split('/')[0]!);
        const rfc = /^RFC \d+/.exec(source.title)?.[0];
        if (rfc && cited.some((c) => c.startsWith('RFC ')))
          assert.ok(cited.includes(rfc), `${finding.id}: source ${rfc}, detail cites ${cited.join(', ')}`);
        for (const page of cited.filter((c) => c.startsWith('learn.microsoft.com/')))
          assert.equal(source.url, `https://${page}`, finding.id);
        if (cited.includes('Mozilla Server Side TLS'))
          assert.match(source.title, /^Mozilla Server Side TLS/, finding.id);
      }
      const [withSource] = report.findings.filter((f) => findingSource(f.id));
      if (withSource) {
        const path = capture.startsWith(SHARED_CAPTURES) ? capture.slice(SHARED_CAPTURES.length + 1) : capture;
        const whole = await answer<{ source: unknown }>('get_finding', { path, id: withSource.id });
        assert.deepEqual(whole.source, findingSource(withSource.id));
      }
    }
    // No capture here shows a zero window, SSL 3.0 or TLS 1.1: when one does, it joins the captures above.
    assert.deepEqual(
      SOURCE_KEYS.filter((key) => !met.has(key)),
      ['tls-version/ssl-3.0', 'tls-version/tls-1.1', 'tcp-zero-window'],
    );
  });

  for (const capture of ['teams.pcap', CALL, POOR_CALL]) {
    it(`call_quality on ${capture}: every figure of every stream as the report gives it, but the series`, async function () {
      const file = capture === POOR_CALL ? sampleCapture(POOR_CALL).path : sharedCapture(this, capture);
      const report = await analyzed(file);
      assert.ok(report.quality, 'a capture with RTP');
      const { streams, binSeconds: _bins, ...overall } = report.quality;
      const {
        streams: given,
        streamsLeftOut,
        ...answered
      } = await answer<QualityAnswer>('call_quality', {
        path: capture === POOR_CALL ? file : capture,
      });
      assert.deepEqual(answered, { ...JSON.parse(JSON.stringify(overall)), roundTripsLeftOut: 0 });
      assert.equal(streamsLeftOut, 0);
      assert.equal(given.length, streams.length);
      for (const [i, stream] of streams.entries()) assertSameStream(given[i]!, stream);
    });
  }

  it("packets on a call: the frames of each stream's filter, and of each DSCP marking, as the report counts them", async function () {
    const report = await analyzed(sharedCapture(this, CALL));
    for (const stream of report.quality!.streams) {
      const rows = await answer<PacketsAnswer>('packets', {
        path: CALL,
        filter: stream.filter,
        fields: ['frame.number', 'rtp.ssrc'],
        limit: 3,
      });
      assert.equal(rows.matched, stream.packets, stream.ssrc);
      assert.equal(rows.rows[0]![0], String(stream.firstFrame));
      assert.equal(Number(rows.rows[0]![1]), Number(stream.ssrc));
      for (const marking of stream.dscp) {
        const marked = await answer<PacketsAnswer>('packets', {
          path: CALL,
          filter: `${stream.filter} && ip.dsfield.dscp == ${marking.value}`,
          limit: 1,
        });
        assert.equal(marked.matched, marking.packets, `${stream.ssrc} DSCP ${marking.value}`);
      }
    }
  });

  it("packets: tshark's rows for a filter, at most `limit`, and how many more matched", async () => {
    const rows = await answer<PacketsAnswer>('packets', {
      path: 'teams.pcap',
      filter: 'dns.flags.response == 0',
      fields: ['frame.number', 'dns.qry.name'],
      limit: 5,
    });
    assert.equal(rows.rows.length, 5);
    assert.ok(rows.matched > 5);
    assert.equal(rows.leftOut, rows.matched - 5);
    const report = await analyzed(sharedCapture(this as unknown as Mocha.Context, 'teams.pcap'));
    const queries = report.dns.transactions.filter((t) => t.queryFrame !== undefined).length;
    assert.equal(rows.matched, queries, 'every DNS query of the report, as tshark matches them');
  });

  it('compare_captures: one column per capture, as `teamshark compare` makes them', async () => {
    const compared = await answer<{ captures: { file: string; activity: string }[] }>('compare_captures', {
      paths: ['teams.pcap', CALL],
    });
    assert.deepEqual(
      compared.captures.map((c) => [c.file, c.activity]),
      [
        ['teams.pcap', (await analyzed(`${SHARED_CAPTURES}/teams.pcap`)).application.dominantActivity],
        [CALL, (await analyzed(`${SHARED_CAPTURES}/${CALL}`)).application.dominantActivity],
      ],
    );
  });

  it('query_dataset: a named question and SQL over an exported dataset, read-only', async () => {
    const dataset = join(samples, 'dataset');
    const exported = await runCli(['export', sampleCapture(POOR_CALL).path, '--out', dataset]);
    assert.equal(exported.exitCode, 0, exported.stderr);
    const poor = await answer<{ rows: { ssrc?: string }[] }>('query_dataset', { dataset, query: 'poor-calls' });
    const report = await analyzed(sampleCapture(POOR_CALL).path);
    assert.equal(poor.rows.length, report.quality!.streams.filter((s) => s.verdict === 'poor').length);
    const counted = await answer<{ rows: { n: number }[] }>('query_dataset', {
      dataset,
      query: 'SELECT count(*)::INTEGER AS n FROM findings',
    });
    assert.equal(counted.rows[0]!.n, report.findings.length);
    assert.match(
      await toolError('query_dataset', { dataset, query: `COPY findings TO '${join(samples, 'out.csv')}'` }),
      /disabled by configuration/,
    );
    assert.match(await toolError('query_dataset', { dataset, query: 'poor-cals' }), /did you mean poor-calls/);
  });

  it(`every tool's answer on the largest shared capture is under ${ANSWER_BYTES / 1024} KB, its lists capped and counted`, async function () {
    const largest = sharedCaptureNames()
      .map((name) => ({ name, size: statSync(join(SHARED_CAPTURES, name)).size }))
      .sort((a, b) => b.size - a.size)[0];
    if (!largest) this.skip();
    const path = largest.name;
    const report = await analyzed(sharedCapture(this, path));
    const widest = [...report.findings].sort((a, b) => JSON.stringify(b).length - JSON.stringify(a).length)[0]!;
    const dataset = join(samples, 'largest-dataset');
    const exported = await runCli(['export', join(SHARED_CAPTURES, path), '--out', dataset]);
    assert.equal(exported.exitCode, 0, exported.stderr);
    const calls: [string, Record<string, unknown>][] = [
      ['analyze_capture', { path }],
      ['get_finding', { path, id: widest.id }],
      ['call_quality', { path }],
      ['packets', { path, filter: 'frame', fields: [...PACKET_FIELDS].slice(0, 16), limit: 500 }],
      ['compare_captures', { paths: Array.from({ length: 8 }, () => path) }],
      ['query_dataset', { dataset, query: 'SELECT * FROM flows', limit: 500 }],
      // One cell of 100,000 characters and one list of 20,000 numbers, on each of 500 rows.
      [
        'query_dataset',
        { dataset, query: "SELECT repeat('x', 100000) AS text, range(20000) AS list FROM range(600)", limit: 500 },
      ],
    ];
    for (const [name, args] of calls) {
      const result = await call(name, args);
      assert.ok(!result.isError, `${name} failed: ${JSON.stringify(result.content)}`);
      // The answer goes out twice, as structured content and as its JSON text (for clients that read text only).
      const bytes = Buffer.byteLength((result.content[0] as { text: string }).text);
      assert.deepEqual(JSON.parse((result.content[0] as { text: string }).text), result.structuredContent);
      assert.ok(bytes < ANSWER_BYTES, `${name} ${JSON.stringify(args).slice(0, 80)}: ${bytes} bytes`);
    }
    const packets = (await call('packets', calls[3]![1])).structuredContent as unknown as PacketsAnswer;
    assert.equal(packets.rows.length + packets.leftOut, packets.matched, 'every row past the budget counted');
    const cut = (await call(...calls[6]!)).structuredContent as { rows: unknown[]; leftOut: number; cellsCut: number };
    assert.equal(cut.rows.length + cut.leftOut, 600);
    assert.equal(cut.cellsCut, cut.rows.length * 2);
  });

  it('the report as a resource and the "why was this call bad" prompt', async () => {
    const { resourceTemplates } = await client.listResourceTemplates();
    assert.equal(resourceTemplates[0]?.uriTemplate, 'teamshark://report/{path}');
    const { contents } = await client.readResource({ uri: 'teamshark://report/teams.pcap' });
    assert.match(String((contents[0] as { text?: string }).text), /^# Teamshark report: teams\.pcap$/m);
    const prompt = await client.getPrompt({ name: 'why-was-this-call-bad', arguments: { path: CALL } });
    assert.match(JSON.stringify(prompt.messages), /quote the finding id, its frames and its display filter/);
  });

  it('refuses in one line what it must not do, and keeps answering', async () => {
    assert.match(
      await toolError('packets', { path: '/etc/passwd', filter: 'ip' }),
      /outside the folders this server may read/,
    );
    assert.match(await toolError('analyze_capture', { path: '../../../etc/passwd' }), /outside|no such file/);
    assert.match(await toolError('analyze_capture', { path: 'no-such.pcap' }), /no such file/);
    assert.match(await toolError('packets', { path: 'teams.pcap', filter: 'stun ==' }), /display filter/);
    assert.match(
      await toolError('packets', { path: 'teams.pcap', filter: 'ip', limit: 1_000_000 }),
      /limit must be <= 500/,
    );
    assert.match(await toolError('packets', { path: 'teams.pcap', filter: 'ip', fields: ['frame.comment'] }), /fields/);
    assert.match(await toolError('get_finding', { path: 'teams.pcap', id: 'tls-version/nowhere' }), /no finding/);
    assert.match(await toolError('no_such_tool', {}), /no tool named/);

    const after = await answer<PacketsAnswer>('packets', { path: 'teams.pcap', filter: 'frame.number == 1', limit: 1 });
    assert.equal(after.rows[0]![0], '1', 'still answering');
  });
});

describe('teamshark mcp after `teamshark analyze`: the report the CLI saved answers, without a tshark pass', function () {
  const folder = temporaryFolder('mcp-saved-reports');

  it('analyze_capture on a capture the CLI analysed runs no analysis pass and answers from the same report', async function () {
    const capture = join(folder(), 'dns.pcap');
    await copyFile(sharedCapture(this, 'dns.pcap'), capture);
    const tshark = await countingTshark(folder());
    const env = { TEAMSHARK_CACHE_DIR: join(folder(), 'cache') };
    const { stdout } = await execa(
      process.execPath,
      [CLI, 'analyze', capture, '--format', 'json', '--tshark', tshark.path],
      { env },
    );
    const report = parseReport(stdout);
    assert.equal(analysisPasses(await tshark.runs()), 1);
    const client = await startServer(['--root', folder(), '--tshark', tshark.path], undefined, env);
    try {
      const result = await callTool(client, 'analyze_capture', { path: 'dns.pcap' });
      assert.ok(!result.isError, JSON.stringify(result.content));
      const summary = result.structuredContent as unknown as AnalyzeAnswer;
      assert.deepEqual(summary.answers, JSON.parse(JSON.stringify(answersOf(report))));
      assert.equal(summary.capture.packets, report.capture.packets);
    } finally {
      await client.close();
    }
    assert.equal(analysisPasses(await tshark.runs()), 1, 'the server analysed the capture again');
  });
});

describe('teamshark mcp with a tshark that never finishes: cancelled and timed-out calls stop it', function () {
  this.timeout(120_000);
  const folder = temporaryFolder('mcp-slow-tshark');
  let pidFile = '';
  let slowTshark = '';

  before(async function () {
    sharedCapture(this, 'teams.pcap');
    pidFile = join(folder(), 'tshark.pid');
    // The filter check, the packets run (both -Y) and the analysis (-T ek) sleep; --version is the real tshark's.
    slowTshark = join(folder(), 'slow-tshark');
    const real = (await execa('sh', ['-c', 'command -v tshark'])).stdout.trim();
    await writeFile(
      slowTshark,
      `#!/bin/sh\ncase " $* " in\n  *" -Y "*|*" -T ek "*) echo $$ > ${pidFile}; exec sleep 300 ;;\n  *) exec ${real} "$@" ;;\nesac\n`,
    );
    await chmod(slowTshark, 0o755);
  });
  beforeEach(() => rm(pidFile, { force: true }));

  /** The pid of the sleeping tshark, once it runs. */
  async function runningTshark(): Promise<number> {
    for (let waited = 0; waited < 20_000; waited += 50) {
      const pid = await readFile(pidFile, 'utf8').catch(() => '');
      if (pid.trim()) return Number(pid);
      await sleep(50);
    }
    throw new Error('tshark never started');
  }

  /** Whether `pid` is still running after `withinMs`, polled. */
  async function outlives(pid: number, withinMs: number): Promise<boolean> {
    for (let waited = 0; waited < withinMs; waited += 50) {
      try {
        process.kill(pid, 0);
      } catch {
        return false;
      }
      await sleep(50);
    }
    return true;
  }

  it('a call the client cancels while tshark checks its filter: tshark is stopped, the server answers the next call', async function () {
    const client = await startServer(['--root', SHARED_CAPTURES, '--tshark', slowTshark]);
    try {
      const controller = new AbortController();
      const cancelled = callTool(client, 'packets', { path: 'teams.pcap', filter: 'ip' }, controller.signal);
      const pid = await runningTshark();
      controller.abort();
      await assert.rejects(cancelled);
      assert.equal(await outlives(pid, 10_000), false, 'the cancelled tshark still runs');
      assert.match(await toolErrorOf(callTool(client, 'analyze_capture', { path: 'no-such.pcap' })), /no such file/);
    } finally {
      await client.close();
    }
  });

  it('--timeout stops tshark with a one-line error; without --root the server reads the working directory only', async function () {
    const client = await startServer(['--timeout', '2', '--tshark', slowTshark], SHARED_CAPTURES);
    try {
      const started = Date.now();
      assert.equal(
        await toolErrorOf(callTool(client, 'packets', { path: 'teams.pcap', filter: 'ip' })),
        'tshark took longer than 2 s',
      );
      assert.ok(Date.now() - started < 20_000, `took ${Date.now() - started} ms`);
      assert.equal(await outlives(await runningTshark(), 5_000), false, 'the timed-out tshark still runs');
      await rm(pidFile);
      assert.match(
        await toolErrorOf(callTool(client, 'analyze_capture', { path: 'teams.pcap' })),
        /teams\.pcap: the analysis did not finish within 2 s: tshark was stopped$/,
      );
      assert.equal(await outlives(await runningTshark(), 5_000), false, 'the timed-out analysis still runs');
      assert.match(
        await toolErrorOf(callTool(client, 'analyze_capture', { path: join(folder(), 'slow-tshark') })),
        /outside the folders this server may read/,
      );
    } finally {
      await client.close();
    }
  });
});
