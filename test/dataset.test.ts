import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { expandCaptures } from '../core/batch.js';
import { exportDataset } from '../core/dataset/export.js';
import { MANIFEST_TABLE } from '../core/dataset/manifest.js';
import { captureId, DATA_FILE } from '../core/dataset/partition.js';
import { communityId } from '../core/dataset/community-id.js';
import { queryDataset } from '../core/dataset/query.js';
import { renderSchemaDoc } from '../core/dataset/schema-doc.js';
import { REPORT_TABLES } from '../core/dataset/tables.js';
import type { ColumnType } from '../core/dataset/schema.js';
import type { Report } from '../core/schema/generated/report.js';
import {
  analyzed,
  runCli,
  sampleCapture,
  sharedCapture,
  SHARED_CAPTURES,
  temporaryFolder,
  writeCutCopy,
} from './helpers.js';

const COURSE = join(SHARED_CAPTURES, 'teams-activities');
/** A handful of course captures: a call with loss, a chat, a video call (TLS certificates, media, findings). */
const FEW = ['audio-4g-K1AG.pcapng', 'chat-lan-K1ME.pcapng', 'video-wifi-K2VW.pcapng'];

/** What the Parquet files must hold for each column type, as the Parquet format names it (not as our code does). */
const PARQUET_EXPECTED: Record<ColumnType, { type: string; converted?: string; timestamp?: boolean }> = {
  string: { type: 'BYTE_ARRAY', converted: 'UTF8' },
  ip: { type: 'BYTE_ARRAY', converted: 'UTF8' },
  int: { type: 'INT64' },
  float: { type: 'DOUBLE' },
  bool: { type: 'BOOLEAN' },
  timestamp: { type: 'INT64', timestamp: true },
  'string[]': { type: 'BYTE_ARRAY', converted: 'UTF8' },
  'int[]': { type: 'INT64' },
};

async function count(dataset: string, sql: string): Promise<number> {
  const { rows } = await queryDataset(dataset, sql);
  return Number(Object.values(rows[0]!)[0]);
}

async function partitions(dataset: string, table: string): Promise<string[]> {
  return (await readdir(join(dataset, table))).filter((name) => name.startsWith('capture_id=')).sort();
}

describe('teamshark export: the analyses as a Parquet dataset', function () {
  const folder = temporaryFolder('dataset');

  it('holds, for all 40 course captures, as many rows as the JSON reports hold items (DuckDB counts)', async function () {
    this.timeout(20 * 60_000);
    sharedCapture(this, 'teams-activities/LABELS.tsv');
    const captures = await expandCaptures([COURSE]);
    assert.equal(captures.length, 40);
    const dataset = join(folder(), 'course');
    const summary = await exportDataset(captures, {
      out: dataset,
      format: 'parquet',
      jobs: 2,
      force: false,
      analyze: analyzed,
    });
    assert.deepEqual(summary, { exported: 40, skipped: 0, failed: [] });
    const reports: Report[] = await Promise.all(captures.map(analyzed));
    const sum = (items: (r: Report) => unknown[]) => reports.reduce((total, r) => total + items(r).length, 0);
    const expected = {
      captures: 40,
      flows: sum((r) => r.flows),
      dns_lookups: sum((r) => r.dns.transactions),
      tls_handshakes: sum((r) => r.tls.handshakes),
      certificates: sum((r) => r.tls.handshakes.flatMap((h) => h.certificates)),
      media_streams: sum((r) => r.media),
      stream_quality: sum((r) => r.quality?.streams ?? []),
      activity_segments: sum((r) => r.application.timeline),
      findings: sum((r) => r.findings),
    };
    for (const [table, n] of Object.entries(expected))
      assert.equal(await count(dataset, `SELECT count(*) FROM ${table}`), n, table);
    assert.ok(
      expected.flows > 1000 && expected.dns_lookups > 500 && expected.media_streams > 30 && expected.certificates > 0,
      JSON.stringify(expected),
    );
    // Sums, not only counts: bytes of the flows and packets of the media, per capture.
    const perCapture = await queryDataset(
      dataset,
      'SELECT c.file, sum(f.bytes) AS bytes FROM flows f JOIN captures c USING (capture_id) GROUP BY c.file',
    );
    for (const report of reports) {
      const row = perCapture.rows.find((r) => r.file === report.capture.file);
      assert.equal(
        row?.bytes,
        report.flows.reduce((total, f) => total + f.bytes, 0),
        report.capture.file,
      );
    }
    assert.equal(
      await count(dataset, 'SELECT sum(packets) FROM media_streams'),
      reports.reduce((t, r) => t + r.media.reduce((s, m) => s + m.packets, 0), 0),
    );
    // One partition per capture and table, named by the SHA-256 of the capture's bytes.
    for (const table of [...REPORT_TABLES.map((t) => t.name), 'manifest'])
      assert.equal((await partitions(dataset, table)).length, 40, table);
    const sha256 = (await execa('sha256sum', [captures[0]!])).stdout.split(' ')[0];
    assert.equal(
      await count(dataset, `SELECT count(*) FROM flows WHERE capture_id = '${sha256}'`),
      reports[0]!.flows.length,
    );
  });

  it('counts as many TCP flows in a capture as tshark has TCP streams', async function () {
    const capture = sharedCapture(this, `teams-activities/${FEW[0]}`);
    const dataset = join(folder(), 'one');
    await exportDataset([capture], { out: dataset, format: 'parquet', jobs: 1, force: false, analyze: analyzed });
    const tshark = await execa('tshark', ['-n', '-r', capture, '-Y', 'tcp', '-T', 'fields', '-e', 'tcp.stream']);
    const streams = new Set(tshark.stdout.split('\n').filter(Boolean));
    assert.equal(await count(dataset, "SELECT count(*) FROM flows WHERE transport = 'tcp'"), streams.size);
  });

  it('gives each flow the Community ID tshark’s own communityid dissector computes for its packets', async function () {
    const capture = sharedCapture(this, `teams-activities/${FEW[0]}`);
    const dataset = join(folder(), 'community-id');
    await exportDataset([capture], { out: dataset, format: 'parquet', jobs: 1, force: false, analyze: analyzed });
    // An ICMP error carries the flow it quotes, but its own Community ID is the ICMP one: not the flow's.
    const tshark = await execa('tshark', [
      '-n',
      '--enable-protocol',
      'communityid',
      '-r',
      capture,
      '-Y',
      '(tcp || udp) && !icmp && !icmpv6',
      '-T',
      'fields',
      '-E',
      'occurrence=l',
      '-e',
      'tcp.stream',
      '-e',
      'udp.stream',
      '-e',
      'communityid',
    ]);
    const byFlow = new Map<string, Set<string>>();
    for (const line of tshark.stdout.split('\n').filter(Boolean)) {
      const [tcp, udp, id] = line.split('\t');
      const flow = tcp ? `tcp:${tcp}` : `udp:${udp}`;
      byFlow.set(flow, (byFlow.get(flow) ?? new Set()).add(id!));
    }
    const { rows } = await queryDataset(dataset, 'SELECT flow_id, community_id FROM flows ORDER BY flow_id');
    assert.ok(rows.length > 50, `${rows.length} flows`);
    assert.deepEqual(
      rows.map((r) => [r.flow_id, [r.community_id]]),
      rows.map((r) => [r.flow_id, [...(byFlow.get(r.flow_id as string) ?? [])]]),
    );
  });

  it('writes Parquet that a second reader (hyparquet) reads with the documented types and the report’s values', async function () {
    const capture = sharedCapture(this, `teams-activities/${FEW[2]}`);
    const dataset = join(folder(), 'hyparquet');
    await exportDataset([capture], { out: dataset, format: 'parquet', jobs: 1, force: false, analyze: analyzed });
    const report = await analyzed(capture);
    const id = await captureId(capture);
    const doc = await readFile(new URL('../../docs/dataset.md', import.meta.url), 'utf8');
    for (const table of [...REPORT_TABLES, MANIFEST_TABLE] as {
      name: string;
      columns: { name: string; type: ColumnType }[];
      rows: (input: never) => unknown[];
    }[]) {
      const bytes = await readFile(join(dataset, table.name, `capture_id=${id}`, DATA_FILE));
      const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      const metadata = parquetMetadata(file);
      const columns = parquetSchema(metadata).children;
      assert.deepEqual(
        columns.map((c) => c.element.name),
        table.columns.map((c) => c.name),
        table.name,
      );
      for (const column of table.columns) {
        const node = columns.find((c) => c.element.name === column.name)!;
        // A list is a LIST group of one repeated group of one element.
        const leaf = column.type.endsWith('[]') ? node.children[0]!.children[0]!.element : node.element;
        if (column.type.endsWith('[]'))
          assert.equal(node.element.converted_type, 'LIST', `${table.name}.${column.name}`);
        const expected = PARQUET_EXPECTED[column.type];
        assert.equal(leaf.type, expected.type, `${table.name}.${column.name}`);
        if (expected.converted) assert.equal(leaf.converted_type, expected.converted, `${table.name}.${column.name}`);
        if (expected.timestamp) assert.equal(leaf.logical_type?.type, 'TIMESTAMP', `${table.name}.${column.name}`);
        // The documentation names the column with its type.
        assert.ok(
          doc.includes(`| \`${column.name}\` | ${column.type.replace('|', '\\|')} |`),
          `docs/dataset.md lacks ${table.name}.${column.name}`,
        );
      }
      const rows = await parquetReadObjects({ file });
      if (table.name !== 'manifest') assert.equal(rows.length, table.rows(report as never).length, table.name);
    }
    const flows = await readFile(join(dataset, 'flows', `capture_id=${id}`, DATA_FILE));
    const rows = await parquetReadObjects({
      file: flows.buffer.slice(flows.byteOffset, flows.byteOffset + flows.byteLength),
    });
    for (const [i, flow] of report.flows.entries()) {
      const row = rows[i]!;
      assert.deepEqual(
        [
          row.flow_id,
          row.client_ip,
          Number(row.client_port),
          row.server_ip,
          Number(row.bytes),
          Number(row.first_frame),
          row.protocols,
          row.filter,
        ],
        [
          flow.id,
          flow.client.ip,
          flow.client.port,
          flow.server.ip,
          flow.bytes,
          flow.firstFrame,
          flow.protocols,
          flow.filter,
        ],
      );
      assert.equal(
        (row.start_time as Date).getTime(),
        Date.parse(report.capture.start!) + Math.round(flow.start * 1000),
      );
    }
  });

  it('skips what it holds, adds a new capture as one partition, lists a damaged one as failed and goes on (CLI)', async function () {
    const input = join(folder(), 'in');
    await mkdir(input);
    for (const name of FEW.slice(0, 2))
      await copyFile(sharedCapture(this, `teams-activities/${name}`), join(input, name));
    const damaged = await writeCutCopy(this, `teams-activities/${FEW[1]}`, 100, join(input, 'damaged.pcapng'));
    const dataset = join(folder(), 'cli');

    const first = await runCli(['export', input, '--out', dataset, '--jobs', '2']);
    assert.equal(first.exitCode, 1, first.stderr);
    assert.equal(first.stdout, `dataset ${dataset}: 2 exported, 0 already there (skipped), 1 failed`);
    assert.match(first.stderr, /damaged\.pcapng: not a network capture/);
    const failed = await queryDataset(dataset, 'failed');
    assert.deepEqual(
      failed.rows.map((r) => [r.file, r.error]),
      [[damaged, `${damaged}: not a network capture (tshark reads it as "MIME")`]],
    );
    assert.equal(await count(dataset, "SELECT count(*) FROM manifest WHERE status = 'ok'"), 2);
    assert.equal((await partitions(dataset, 'flows')).length, 2);
    assert.equal(await count(dataset, 'SELECT count(*) FROM captures'), 2);

    const again = await runCli([
      'export',
      ...FEW.slice(0, 2).map((n) => join(input, n)),
      '--out',
      dataset,
      '--jobs',
      '2',
    ]);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.equal(again.stdout, `dataset ${dataset}: 0 exported, 2 already there (skipped), 0 failed`);

    // One capture more: analysed as a single task, the way a scheduler runs it.
    const added = await runCli([
      'analyze',
      sharedCapture(this, `teams-activities/${FEW[2]}`),
      '--format',
      'parquet',
      '--out',
      dataset,
    ]);
    assert.equal(added.exitCode, 0, added.stderr);
    assert.equal((await partitions(dataset, 'flows')).length, 3);
    assert.equal((await partitions(dataset, 'media_streams')).length, 3);
    assert.equal(await count(dataset, 'SELECT count(*) FROM captures'), 3);
    const flowsBefore = await count(dataset, 'SELECT count(*) FROM flows');

    // --force analyses again and replaces the partition: no row counted twice.
    const forced = await runCli(['export', join(input, FEW[0]!), '--out', dataset, '--force']);
    assert.equal(forced.stdout, `dataset ${dataset}: 1 exported, 0 already there (skipped), 0 failed`, forced.stderr);
    assert.equal(await count(dataset, 'SELECT count(*) FROM flows'), flowsBefore);
    assert.deepEqual(
      await readdir(dataset).then((names) => names.sort()),
      [...REPORT_TABLES.map((t) => t.name), 'manifest'].sort(),
    );

    const json = await runCli([
      'query',
      dataset,
      'SELECT dominant_activity, count(*) AS n FROM captures GROUP BY 1 ORDER BY 1',
      '--format',
      'json',
    ]);
    assert.deepEqual(JSON.parse(json.stdout), [
      { dominant_activity: 'audio', n: 1 },
      { dominant_activity: 'chat', n: 1 },
      { dominant_activity: 'video', n: 1 },
    ]);
    const list = await runCli(['query', '--list']);
    assert.match(list.stdout, /^weak-cipher-offers +Which clients/m);
    const bad = await runCli(['query', dataset, 'SELECT nope FROM flows']);
    assert.equal(bad.exitCode, 1);
    assert.match(bad.stderr, /^teamshark: query failed: Binder Error: .*nope.*$/);
  });

  it('lets two exports write into one dataset at once: every capture once, no staging left', async function () {
    const captures = FEW.slice(0, 2).map((name) => sharedCapture(this, `teams-activities/${name}`));
    const dataset = join(folder(), 'concurrent');
    const [a, b] = await Promise.all([
      runCli(['export', ...captures, '--out', dataset, '--jobs', '1']),
      runCli(['export', ...captures.reverse(), '--out', dataset, '--jobs', '1']),
    ]);
    assert.equal(a!.exitCode, 0, a!.stderr);
    assert.equal(b!.exitCode, 0, b!.stderr);
    assert.deepEqual((await readdir(dataset)).sort(), [...REPORT_TABLES.map((t) => t.name), 'manifest'].sort());
    for (const table of ['flows', 'manifest']) assert.equal((await partitions(dataset, table)).length, 2, table);
    const reports = await Promise.all(captures.map(analyzed));
    assert.equal(
      await count(dataset, 'SELECT count(*) FROM flows'),
      reports[0]!.flows.length + reports[1]!.flows.length,
    );
    assert.equal(await count(dataset, 'SELECT count(*) FROM manifest'), 2);
  });

  it('writes ECS documents with _bulk action lines that match the generated index template', async function () {
    const capture = sharedCapture(this, `teams-activities/${FEW[0]}`);
    const out = join(folder(), 'ecs');
    const result = await runCli(['export', capture, '--out', out, '--format', 'ecs-ndjson']);
    assert.equal(result.exitCode, 0, result.stderr);
    const id = await captureId(capture);
    const template = JSON.parse(await readFile(join(out, 'index-template.json'), 'utf8')) as IndexTemplate;
    assert.equal(template.template.mappings.dynamic, 'strict');
    const lines = (await readFile(join(out, `${id}.ndjson`), 'utf8')).trimEnd().split('\n').map(parseLine);
    const single = await runCli(['analyze', capture, '--format', 'ecs-ndjson']);
    assert.deepEqual(single.stdout.trimEnd().split('\n').map(parseLine).map(withoutFile), lines.map(withoutFile));

    const report = await analyzed(capture);
    const byIndex = new Map<string, number>();
    for (let i = 0; i < lines.length; i += 2) {
      const action = lines[i]!.index as { _index?: string; _id?: string } | undefined;
      assert.ok(action?._index && action._id, JSON.stringify(lines[i]));
      byIndex.set(action._index, (byIndex.get(action._index) ?? 0) + 1);
      assertMatchesMapping(lines[i + 1]!, template.template.mappings.properties, '');
    }
    assert.deepEqual(Object.fromEntries(byIndex), {
      'teamshark-flows': report.flows.length,
      'teamshark-tls-handshakes': report.tls.handshakes.length,
      'teamshark-media-streams': report.media.length,
      'teamshark-findings': report.findings.length,
    });
    assert.equal(template.template.mappings.properties.message?.type, 'text');
    const documents = lines.filter((_, i) => i % 2 === 1) as unknown as EcsDocument[];
    const [flow] = documents;
    assert.equal(flow!.source!.ip, report.flows[0]!.client.ip);
    assert.equal(flow!.destination!.port, report.flows[0]!.server.port);
    assert.equal(flow!.network!.transport, report.flows[0]!.transport);
    assert.equal(
      flow!['@timestamp'],
      report.capture.start &&
        new Date(Date.parse(report.capture.start) + Math.round(report.flows[0]!.start * 1000)).toISOString(),
    );
    const start = Date.parse(report.capture.start!);
    for (const document of documents) {
      assert.ok(document.event.category.length && document.event.type.length, JSON.stringify(document.event));
      // The application protocol, never a tshark layer name.
      assert.ok(
        !['data', 'pkcs-1', 'x509af', 'ber'].includes(document.network?.protocol ?? ''),
        document.network?.protocol,
      );
      if (document.network?.community_id)
        assert.equal(document.network.type, document.source!.ip.includes(':') ? 'ipv6' : 'ipv4');
    }
    const flowDocuments = documents.filter((d) => d.event.dataset === 'teamshark.flows');
    for (const [i, f] of report.flows.entries())
      assert.equal(
        flowDocuments[i]!.network!.community_id,
        communityId({
          protocol: f.transport === 'tcp' ? 6 : 17,
          sourceIp: f.client.ip,
          destinationIp: f.server.ip,
          sourcePort: f.client.port,
          destinationPort: f.server.port,
        }),
      );
    // TLS handshakes under ECS's tls.*; a relay's pseudo-TLS is not TLS and has none.
    const tls = documents.filter((d) => d.event.dataset === 'teamshark.tls_handshakes');
    for (const [i, h] of report.tls.handshakes.entries()) {
      assert.equal(tls[i]!.tls?.client?.server_name, h.pseudoTls ? undefined : h.clientHello?.sni);
      if (h.serverHello?.version?.name === 'TLS 1.2') assert.equal(tls[i]!.tls?.version, '1.2');
    }
    assert.ok(tls.some((d) => d.tls?.version && d.tls.cipher));
    // The server's own certificate under ECS's x509 field set.
    let certified = 0;
    for (const [i, h] of report.tls.handshakes.entries()) {
      const leaf = h.certificates.find((c) => c.position === 0);
      const x509 = tls[i]!.tls?.server?.x509;
      if (!leaf || h.pseudoTls) {
        assert.equal(x509, undefined);
        continue;
      }
      certified++;
      assert.deepEqual(
        [x509?.issuer?.distinguished_name, x509?.subject?.distinguished_name, x509?.not_after],
        [leaf.issuer, leaf.subject, leaf.notAfter],
      );
      assert.deepEqual(
        x509?.subject?.common_name,
        leaf.subjectCommonName === undefined ? undefined : [leaf.subjectCommonName],
      );
    }
    assert.ok(certified > 0, 'no handshake with a certificate');
    // A finding's @timestamp is its first frame's time, as tshark reads it (to the millisecond of ECS dates and of
    // the report's start, each rounded: 2 ms at most).
    const findings = documents.filter((d) => d.event.dataset === 'teamshark.findings');
    const firstFrames = report.findings.map((f) => f.frames[0]!);
    const epochs = await frameTimes(capture, firstFrames);
    for (const [i, frame] of firstFrames.entries())
      assert.ok(
        Math.abs(Date.parse(findings[i]!['@timestamp']!) - epochs.get(frame)! * 1000) <= 2,
        `finding ${report.findings[i]!.id}: ${findings[i]!['@timestamp']} is not frame ${frame}'s time`,
      );
    assert.ok(findings.some((d) => Date.parse(d['@timestamp']!) > start + 1000));
  });

  it('writes ECS documents that all fit the strict template, for every capture these tests export', async function () {
    this.timeout(20 * 60_000);
    sharedCapture(this, 'teams-activities/LABELS.tsv');
    const captures = [...(await expandCaptures([COURSE])), sampleCapture('bad-network-loss').path];
    const out = join(folder(), 'ecs-all');
    const summary = await exportDataset(captures, {
      out,
      format: 'ecs-ndjson',
      jobs: 2,
      force: false,
      analyze: analyzed,
    });
    assert.deepEqual(summary, { exported: captures.length, skipped: 0, failed: [] });
    const template = JSON.parse(await readFile(join(out, 'index-template.json'), 'utf8')) as IndexTemplate;
    let documents = 0;
    for (const capture of captures) {
      const lines = (await readFile(join(out, `${await captureId(capture)}.ndjson`), 'utf8')).trimEnd().split('\n');
      for (let i = 1; i < lines.length; i += 2) {
        assertMatchesMapping(parseLine(lines[i]!), template.template.mappings.properties, `${basename(capture)}: `);
        documents++;
      }
    }
    assert.ok(documents > 1000, `${documents} documents`);
  });

  it('answers a slip with a usage error (exit 2) and a folder that is no dataset with one line (exit 1)', async function () {
    for (const args of [
      ['export', 'a.pcap'],
      ['export', 'a.pcap', '--out', 'ds', '--format', 'json'],
      ['analyze', 'a.pcap', '--format', 'parquet'],
      ['analyze', '-', '--format', 'ecs-ndjson'],
      ['query', 'ds'],
      ['analyze', 'a.pcap', 'b.pcap', '--format', 'parquet', '--out', 'ds'],
      ['query', 'ds', 'x', '--format', 'html'],
    ]) {
      const result = await runCli(args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stderr}`);
    }
    const notDataset = await runCli(['query', folder(), 'SELECT 1']);
    assert.equal(notDataset.exitCode, 1);
    assert.equal(
      notDataset.stderr,
      `teamshark: ${folder()}: not a Teamshark dataset (no manifest/ partitions): write one with teamshark export`,
    );
  });

  it('exports each stream’s quality as the report has it, read back by hyparquet, a poor call included', async function () {
    this.timeout(5 * 60_000);
    const captures = [sharedCapture(this, `teams-activities/${FEW[0]}`), sampleCapture('bad-network-loss').path];
    const dataset = join(folder(), 'quality');
    await exportDataset(captures, { out: dataset, format: 'parquet', jobs: 1, force: false, analyze: analyzed });
    let poor = 0;
    for (const capture of captures) {
      const report = await analyzed(capture);
      const streams = report.quality?.streams ?? [];
      assert.ok(streams.length > 0, capture);
      const id = await captureId(capture);
      const rows = await readParquet(join(dataset, 'stream_quality', `capture_id=${id}`, DATA_FILE));
      assert.equal(rows.length, streams.length);
      for (const [i, stream] of streams.entries()) {
        const row = rows[i]!;
        assert.deepEqual(
          [row.ssrc, row.flow_id, row.verdict, row.loss_percent, Number(row.lost_packets), row.jitter_mean_ms],
          [stream.ssrc, stream.flowId, stream.verdict, stream.lossPercent, stream.lost, stream.jitter?.meanMs ?? null],
        );
        assert.deepEqual(
          [row.worst_loss_15s_percent, row.worst_jitter_15s_ms, row.round_trip_ms, row.frame_rate],
          [
            stream.windows.loss15s?.value ?? null,
            stream.windows.jitter15s?.value ?? null,
            stream.roundTripMs ?? null,
            stream.frameRate ?? null,
          ],
        );
        assert.deepEqual((row.dscp as bigint[]).map(Number).sort(), stream.dscp.map((d) => d.value).sort());
        assert.deepEqual(
          row.poor_because,
          stream.crossed.map((t) => `${t.metric} ${t.value} ${t.threshold}`),
        );
        if (stream.verdict === 'poor') {
          poor++;
          assert.ok((row.poor_because as string[]).length > 0, 'a poor verdict names its thresholds');
        }
      }
      // media_streams.jitter_ms: the measured jitter wherever the report has it.
      const media = await readParquet(join(dataset, 'media_streams', `capture_id=${id}`, DATA_FILE));
      for (const [i, m] of report.media.entries()) {
        const quality = streams.find((q) => q.ssrc === m.ssrc && q.flowId === m.flowId);
        assert.equal(media[i]!.jitter_ms, quality?.jitter?.meanMs ?? null, `${m.flowId} ${m.ssrc}`);
        assert.equal(media[i]!.quality_verdict, quality?.verdict ?? null);
      }
      const [captureRow] = await readParquet(join(dataset, 'captures', `capture_id=${id}`, DATA_FILE));
      assert.equal(captureRow!.call_quality, report.quality!.verdict);
    }
    assert.ok(poor >= 2, `${poor} poor streams`);
    const poorCalls = await queryDataset(dataset, 'poor-calls');
    assert.equal(poorCalls.rows.length, poor);
    assert.ok(poorCalls.rows.some((r) => (r.file as string).endsWith('bad-network-loss.pcapng')));
  });

  it('exports the requests a key log decrypts (export --keylog) as decrypted_requests, and none without one', async function () {
    this.timeout(3 * 60_000);
    const capture = join(folder(), 'keylog-sample.pcapng');
    const keylog = join(folder(), 'keylog-sample.keys');
    assert.equal((await runCli(['sample', '--out', capture, '--keylog', keylog])).exitCode, 0);
    const json = await runCli(['analyze', capture, '--keylog', keylog, '--format', 'json']);
    const report = JSON.parse(json.stdout) as Report;
    const requests = report.decryption!.requests;
    assert.ok(requests.length >= 2, `${requests.length} decrypted requests`);

    const plain = join(folder(), 'no-keylog');
    assert.equal((await runCli(['export', capture, '--out', plain])).exitCode, 0);
    assert.equal(await count(plain, 'SELECT count(*) FROM decrypted_requests'), 0);
    assert.equal(await count(plain, 'SELECT count(*) FROM captures WHERE tls_sessions_decrypted IS NULL'), 1);

    const dataset = join(folder(), 'keylog');
    const exported = await runCli(['export', capture, '--out', dataset, '--keylog', keylog]);
    assert.equal(exported.exitCode, 0, exported.stderr);
    const rows = await readParquet(
      join(dataset, 'decrypted_requests', `capture_id=${await captureId(capture)}`, DATA_FILE),
    );
    assert.deepEqual(
      rows.map((r) => [r.flow_id, Number(r.frame), r.method, r.host, r.path_template, r.status, r.action]),
      requests.map((r) => [
        r.flowId,
        r.frame,
        r.method,
        r.host,
        r.pathTemplate,
        r.status === undefined ? null : BigInt(r.status),
        r.action ?? null,
      ]),
    );
    assert.equal(
      await count(dataset, 'SELECT tls_sessions_decrypted FROM captures'),
      report.decryption!.sessionsDecrypted,
    );
  });

  it('removes what a killed export left in _staging/ and keeps a running export’s folder', async function () {
    const capture = sharedCapture(this, `teams-activities/${FEW[1]}`);
    const dataset = join(folder(), 'stale');
    const host = hostname().replace(/[^A-Za-z0-9-]/g, '-');
    const gone = `${spawnSync('true').pid}@${host}`;
    const stale = join(dataset, '_staging', `abc.${gone}.0f0e`, 'flows');
    const running = `abc.${process.pid}@${host}.1a1b`;
    // Another machine's export sharing the dataset: its processes cannot be checked from here.
    const elsewhere = 'abc.7@other-pod.2c2d';
    await mkdir(stale, { recursive: true });
    await writeFile(join(stale, DATA_FILE), 'half a partition');
    for (const name of [running, elsewhere]) await mkdir(join(dataset, '_staging', name));
    await mkdir(join(dataset, '_claims'));
    await writeFile(join(dataset, '_claims', 'abc'), gone);
    await exportDataset([capture], { out: dataset, format: 'parquet', jobs: 1, force: false, analyze: analyzed });
    assert.deepEqual((await readdir(join(dataset, '_staging'))).sort(), [running, elsewhere].sort());
    assert.ok(!existsSync(join(dataset, '_claims')), 'the dead export’s claim is gone');
  });

  it('analyses each capture once when two exports write one dataset at once (a claim per capture)', async function () {
    const captures = FEW.slice(0, 2).map((name) => sharedCapture(this, `teams-activities/${name}`));
    const dataset = join(folder(), 'claims');
    const analysed: string[] = [];
    const counting = async (capture: string) => {
      analysed.push(capture);
      await new Promise((resolve) => setTimeout(resolve, 200)); // both exports are under way
      return analyzed(capture);
    };
    const options = { out: dataset, format: 'parquet', jobs: 1, force: false, analyze: counting } as const;
    const [a, b] = await Promise.all([
      exportDataset(captures, options),
      exportDataset([...captures].reverse(), options),
    ]);
    assert.deepEqual(analysed.sort(), [...captures].sort());
    assert.equal(a.exported + b.exported, 2);
    assert.equal(a.skipped + b.skipped, 2);
    assert.equal(await count(dataset, 'SELECT count(*) FROM manifest'), 2);
    assert.ok(!existsSync(join(dataset, '_claims')));
  });

  it('answers a misspelled question with its nearest name, and reads only the dataset unless --allow-write', async function () {
    const capture = sharedCapture(this, `teams-activities/${FEW[1]}`);
    const dataset = join(folder(), 'confined');
    await exportDataset([capture], { out: dataset, format: 'parquet', jobs: 1, force: false, analyze: analyzed });
    const slip = await runCli(['query', dataset, 'weak-ciper-offers']);
    assert.equal(slip.exitCode, 1);
    assert.equal(slip.stderr, 'teamshark: no question named "weak-ciper-offers"; did you mean weak-cipher-offers?');
    const passwd = await runCli(['query', dataset, "SELECT * FROM read_csv('/etc/passwd')"]);
    assert.equal(passwd.exitCode, 1);
    assert.match(passwd.stderr, /^teamshark: query failed: Permission Error: .*disabled by configuration/);
    // Not even into the dataset's own folder, which DuckDB may read.
    const inside = join(dataset, 'copied.csv');
    const copy = await runCli(['query', dataset, `COPY (SELECT file FROM captures) TO '${inside}'`]);
    assert.equal(copy.exitCode, 1);
    assert.match(copy.stderr, /^teamshark: query refused: a COPY statement changes files/);
    assert.ok(!existsSync(inside));
    const target = join(folder(), 'copied.csv');
    const unlock = await runCli(['query', dataset, 'SET enable_external_access = true']);
    assert.equal(unlock.exitCode, 1);
    const allowed = await runCli([
      'query',
      dataset,
      `COPY (SELECT file FROM captures) TO '${target}'`,
      '--allow-write',
    ]);
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    assert.match(await readFile(target, 'utf8'), /chat-lan-K1ME/);
  });

  it('documents the schema as the definitions say (docs/dataset.md is generated and current)', async function () {
    const doc = await readFile(new URL('../../docs/dataset.md', import.meta.url), 'utf8');
    assert.equal(doc, renderSchemaDoc(), 'run npm run build && npm run gen-dataset-docs');
  });
});

/** An OpenSearch field mapping: an object's fields, or a leaf's type. */
interface FieldMapping {
  type?: string;
  properties?: Record<string, FieldMapping>;
}

/** The generated index template (index-template.json), as far as the tests read it. */
interface IndexTemplate {
  template: { mappings: { dynamic: string; properties: Record<string, FieldMapping> } };
}

/** The ECS fields of a document that the tests compare with the report. */
interface EcsDocument {
  '@timestamp'?: string;
  event: { category: string[]; type: string[]; dataset: string };
  source?: { ip: string };
  destination?: { port: number };
  network?: { transport?: string; protocol?: string; community_id?: string; type?: string };
  tls?: {
    version?: string;
    cipher?: string;
    client?: { server_name?: string };
    server?: {
      x509?: {
        issuer?: { distinguished_name?: string };
        subject?: { distinguished_name?: string; common_name?: string[] };
        not_after?: string;
      };
    };
  };
}

/** A Parquet file's rows, read by hyparquet (an independent reader, not DuckDB). */
async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const bytes = await readFile(path);
  return parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
}

/** Epoch seconds of the frames, as tshark reads them. */
async function frameTimes(capture: string, frames: number[]): Promise<Map<number, number>> {
  const wanted = new Set(frames);
  const { stdout } = await execa('tshark', [
    '-n',
    '-r',
    capture,
    '-T',
    'fields',
    '-e',
    'frame.number',
    '-e',
    'frame.time_epoch',
  ]);
  const times = new Map<number, number>();
  for (const line of stdout.split('\n')) {
    const [frame, time] = line.split('\t').map(Number);
    if (wanted.has(frame!)) times.set(frame!, time!);
  }
  return times;
}

/** One NDJSON line: a _bulk action or a document, both JSON objects. */
function parseLine(line: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(line);
  assert.ok(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed), line);
  return parsed as Record<string, unknown>;
}

/** The capture path differs between the two runs (export resolves nothing; both give it as typed): compare the rest. */
function withoutFile(line: Record<string, unknown>): unknown {
  return line.teamshark ? { ...line, teamshark: { ...(line.teamshark as object), capture_file: undefined } } : line;
}

/** Every leaf of the document is a field of the mapping, with a value of its type (as OpenSearch would index it). */
function assertMatchesMapping(
  document: Record<string, unknown>,
  properties: Record<string, FieldMapping>,
  prefix: string,
): void {
  for (const [key, value] of Object.entries(document)) {
    const field = `${prefix}${key}`;
    const mapping = properties[key];
    assert.ok(mapping, `${field} is not in the index template`);
    if (mapping.properties) {
      assert.equal(typeof value, 'object', field);
      assertMatchesMapping(value as Record<string, unknown>, mapping.properties, `${field}.`);
      continue;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      const ok = {
        keyword: () => typeof item === 'string',
        text: () => typeof item === 'string',
        ip: () => typeof item === 'string' && isIP(item) !== 0,
        long: () => Number.isSafeInteger(item),
        double: () => typeof item === 'number' && Number.isFinite(item),
        boolean: () => typeof item === 'boolean',
        date: () =>
          typeof item === 'string' &&
          /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(item) &&
          !Number.isNaN(Date.parse(item)),
      }[mapping.type as string];
      assert.ok(ok?.(), `${field} = ${JSON.stringify(item)} is not a ${mapping.type}`);
    }
  }
}
