import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { analyzeCaptureModel } from '../core/analyze.js';
import { classifyActivity } from '../core/classify/activity.js';
import { serviceForName } from '../core/knowledge/catalog.js';
import { coloringRules, filterButtons, PROFILE_NAME } from '../core/wireshark/profile.js';
import { filterMatches } from './filter-matches.js';
import { analyzed, parseReport, runCli, sharedCapture, temporaryFolder, tsharkFrames } from './helpers.js';

/** tshark's notice when run as root is not a warning about the profile. */
const ROOT_NOTICE = /^Running as user "root".*\n?/gm;

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

describe('teamshark annotate', function () {
  const folder = temporaryFolder('annotate');

  it('comments exactly the evidence frames of every finding, puts the summary in the capture comment, and leaves the capture as it was', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const before = await sha256(capture);
    const out = join(folder(), 'teams.annotated.pcapng');
    const result = await runCli(['annotate', capture, '--out', out]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(await sha256(capture), before, 'the original capture changed');

    const report = await analyzed(capture);
    const evidence = [...new Set(report.findings.flatMap((f) => f.frames))].sort((a, b) => a - b);
    assert.ok(evidence.length > 50, `only ${evidence.length} evidence frames`);
    // Every finding is findable in Wireshark by its id, on each of its frames.
    const findings = report.findings.slice(0, 8);
    const [commented, ...byId] = await filterMatches(out, [
      'frame.comment contains "Teamshark"',
      ...findings.map((finding) => `frame.comment contains "[${finding.id}]"`),
    ]);
    assert.deepEqual(
      commented!.map((m) => m.frame),
      evidence,
    );
    findings.forEach((finding, i) =>
      assert.deepEqual(
        byId[i]!.map((m) => m.frame),
        [...new Set(finding.frames)].sort((a, b) => a - b),
        finding.id,
      ),
    );
    // The same packets, in the same order: only comments were added.
    const { stdout: packets } = await execa('tshark', ['-n', '-r', out, '-T', 'fields', '-e', 'frame.len']);
    assert.equal(packets.trim().split('\n').length, report.capture.packets);

    const { stdout: info } = await execa('capinfos', ['-k', out]);
    assert.match(
      info,
      new RegExp(`Activity: ${report.application.dominantActivity} \\(${report.application.confidence} confidence\\)`),
    );
    assert.match(info, new RegExp(`Call path: ${report.call!.path}`));
    assert.match(
      info,
      new RegExp(
        `Call quality \\(network-side estimate\\): ${report.quality ? report.quality.verdict : 'no RTP media to judge'}`,
      ),
    );
    assert.match(info, new RegExp(`tshark ${report.capture.tshark.version.replaceAll('.', '\\.')}`));
    assert.match(info, new RegExp(`Findings: ${report.findings.length} `));
  });

  it('refuses an existing output without --force, and the capture itself even with it', async function () {
    const capture = sharedCapture(this, 'dns.pcap');
    const out = join(folder(), 'dns.pcapng');
    assert.equal((await runCli(['annotate', capture, '--out', out])).exitCode, 0);
    const again = await runCli(['annotate', capture, '--out', out]);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /already exists: add --force/);
    assert.equal((await runCli(['annotate', capture, '--out', out, '--force'])).exitCode, 0);
    const before = await sha256(capture);
    const self = await runCli(['annotate', capture, '--out', capture, '--force']);
    assert.equal(self.exitCode, 1);
    assert.match(self.stderr, /is the capture itself/);
    assert.equal(await sha256(capture), before);
  });

  it('says in one line when editcap is missing', async function () {
    const capture = sharedCapture(this, 'dns.pcap');
    const result = await runCli(['annotate', capture, '--out', join(folder(), 'none.pcapng')], {
      TEAMSHARK_EDITCAP: join(folder(), 'no-editcap'),
    });
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^teamshark: editcap not found .*TEAMSHARK_EDITCAP/);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  });
});

describe('teamshark wireshark-profile', function () {
  const folder = temporaryFolder('profile');

  it('writes a profile that tshark -C loads without a warning, into the Wireshark profiles folder by default', async function () {
    const home = join(folder(), 'home');
    await mkdir(home);
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const result = await runCli(['wireshark-profile'], env);
    assert.equal(result.exitCode, 0, result.stderr);
    const profile = join(home, '.config', 'wireshark', 'profiles', PROFILE_NAME);
    assert.deepEqual((await readdir(profile)).sort(), [
      'colorfilters',
      'dfilter_buttons',
      'heuristic_protos',
      'preferences',
    ]);
    const run = await execa('tshark', ['-C', PROFILE_NAME, '-r', sharedCapture(this, 'teams.pcap'), '-c', '5'], {
      env: { ...env },
      reject: false,
    });
    assert.equal(run.exitCode, 0, run.stderr);
    assert.equal(run.stderr.replace(ROOT_NOTICE, ''), '', 'tshark warned about the profile');
    // The custom columns are in use: the packet list has the stream column.
    assert.match(run.stdout.split('\n')[2]!, / 0 /);
    const again = await runCli(['wireshark-profile'], env);
    assert.equal(again.exitCode, 1);
    assert.match(again.stderr, /already exists: add --force/);
    assert.equal((await runCli(['wireshark-profile', '--force'], env)).exitCode, 0);
  });

  it('takes its heuristics from the analysis options, and writes decode-as rules tshark applies', async function () {
    const home = join(folder(), 'decode');
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, '.config') };
    const out = join(home, '.config', 'wireshark', 'profiles', PROFILE_NAME);
    assert.equal(
      (await runCli(['wireshark-profile', '--out', out, '--decode-as', 'udp.port==1900,rtp'], env)).exitCode,
      0,
    );
    const heuristics = await readFile(join(out, 'heuristic_protos'), 'utf8');
    assert.match(heuristics, /^rtp_udp,1$/m);
    assert.match(heuristics, /^rtcp_udp,1$/m);
    assert.match(await readFile(join(out, 'preferences'), 'utf8'), /^tcp\.reassemble_out_of_order: TRUE$/m);
    // With the profile, tshark decodes the SSDP port as it does when given the rule with -d: the entry was read.
    const ssdp = sharedCapture(this, 'ssdp-m-search-ua.pcap');
    const stack = ['-r', ssdp, '-c', '1', '-T', 'fields', '-e', 'frame.protocols'];
    const run = await execa('tshark', ['-C', PROFILE_NAME, ...stack], { env, reject: false });
    assert.equal(run.stderr.replace(ROOT_NOTICE, ''), '');
    const plain = await execa('tshark', stack);
    const decoded = await execa('tshark', ['-d', 'udp.port==1900,rtp', ...stack]);
    assert.notEqual(decoded.stdout, plain.stdout);
    assert.equal(run.stdout, decoded.stdout);
  });

  it('every colouring rule and filter button is a display filter tshark accepts', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const filters = [...coloringRules(), ...filterButtons()];
    assert.ok(filters.length >= 15);
    for (const { name, filter } of filters) {
      const run = await execa('tshark', ['-n', '-r', capture, '-c', '1', '-Y', filter], { reject: false });
      assert.equal(run.exitCode, 0, `${name}: ${filter}: ${run.stderr}`);
    }
  });

  it('colours a relay’s pseudo-TLS by its shape: its handshake and STUN records, not real TLS to relay addresses', async function () {
    const rule = coloringRules().find((r) => r.name.startsWith('Teams relay pseudo-TLS'))!;
    const frames = (capture: string, filter: string) => tsharkFrames(capture, filter, ['-n']);
    for (const name of ['teams.pcap', 'teams-activities/audio-4g-K1AG.pcapng']) {
      const capture = sharedCapture(this, name);
      const report = await analyzed(capture);
      const pseudo = report.tls.handshakes.filter((h) => h.pseudoTls);
      const expected = [
        ...new Set(pseudo.flatMap((h) => [h.clientHello!.frame, h.serverHello!.frame, ...h.pseudoTls!.stunFrames])),
      ].sort((a, b) => a - b);
      assert.deepEqual(await frames(capture, rule.filter), expected, name);
    }
    // teams.pcap has no pseudo-TLS, but TLS 1.2 over TCP 443 to Teams relay addresses, which the rule leaves alone.
    const teams = sharedCapture(this, 'teams.pcap');
    assert.equal((await analyzed(teams)).tls.handshakes.filter((h) => h.pseudoTls).length, 0);
    const relayTls = filterButtons().find((b) => b.name === 'Relays')!.filter;
    assert.ok((await frames(teams, `tls && tcp.port == 443 && (${relayTls})`)).length > 0);
  });

  it('turns every kind of name resolution off, MAC vendors included, as tshark -n does', async function () {
    const out = join(folder(), 'nameres');
    assert.equal((await runCli(['wireshark-profile', '--out', out])).exitCode, 0);
    const preferences = await readFile(join(out, 'preferences'), 'utf8');
    for (const kind of ['mac_name', 'network_name', 'transport_name', 'vlan_name', 'use_external_name_resolver'])
      assert.match(preferences, new RegExp(`^nameres\\.${kind}: FALSE$`, 'm'));
    // tshark with the profile shows the capture's MAC addresses as numbers, not vendor names.
    const env = { HOME: folder(), XDG_CONFIG_HOME: join(folder(), '.config') };
    const profile = join(folder(), '.config', 'wireshark', 'profiles', PROFILE_NAME);
    assert.equal((await runCli(['wireshark-profile', '--out', profile, '--force'], env)).exitCode, 0);
    const run = await execa(
      'tshark',
      [
        '-C',
        PROFILE_NAME,
        '-r',
        sharedCapture(this, 'teams.pcap'),
        '-c',
        '1',
        '-T',
        'fields',
        '-e',
        'eth.src_resolved',
      ],
      { env },
    );
    // Without the profile tshark names the vendor (Tp-LinkT_d6:55:ab).
    assert.match(run.stdout.trim(), /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  });

  it('colours the Teams names the service catalog knows, and no other', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const rule = coloringRules().find((r) => r.name === 'Teams DNS names')!;
    const { stdout } = await execa('tshark', [
      '-n',
      '-r',
      capture,
      '-Y',
      rule.filter,
      '-T',
      'fields',
      '-e',
      'dns.qry.name',
    ]);
    const coloured = new Set(stdout.split('\n').filter(Boolean));
    const report = await analyzed(capture);
    const teams = new Set(
      report.dns.names
        .map((n) => n.name)
        .filter((name) => ['teams', 'teams-calling'].includes(serviceForName(name)?.service ?? '')),
    );
    assert.ok(teams.size >= 3, `only ${teams.size} Teams names`);
    assert.deepEqual([...coloured].sort(), [...teams].sort());
  });
});

describe('--keylog: decryption with a TLS key log', function () {
  const folder = temporaryFolder('keylog');
  let capture = '';
  let keylog = '';
  let secrets: string[] = [];

  before(async function () {
    capture = join(folder(), 'sample.pcapng');
    keylog = join(folder(), 'keys.txt');
    const result = await runCli(['sample', '--out', capture, '--keylog', keylog]);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = (await readFile(keylog, 'utf8')).trim().split('\n');
    assert.ok(lines.length >= 3, `${lines.length} key log lines`);
    for (const line of lines) assert.match(line, /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}$/);
    secrets = lines.flatMap((line) => line.split(' ').slice(1));
  });

  it("decrypts the sample's own sessions: the count, the request lines and the flows are what tshark decrypts", async function () {
    const result = await runCli(['analyze', capture, '--keylog', keylog, '--format', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const report = parseReport(result.stdout);
    const decryption = report.decryption;
    assert.ok(decryption, 'the report has a decryption section');
    const fields = [
      'frame.number',
      'tcp.stream',
      'http2.headers.method',
      'http2.headers.authority',
      'http.request.method',
      'http.host',
    ].flatMap((f) => ['-e', f]);
    const { stdout } = await execa('tshark', [
      '-n',
      '-r',
      capture,
      '-o',
      `tls.keylog_file:${keylog}`,
      '-Y',
      'tls && (http2.headers.method || http.request)',
      '-T',
      'fields',
      ...fields,
    ]);
    // [frame, stream, method, host], from HTTP/2's fields or HTTP/1.1's.
    const rows = stdout
      .trim()
      .split('\n')
      .map((line) => line.split('\t'))
      .map((r) => [r[0], r[1], r[2] || r[4], r[3] || r[5]]);
    const streams = new Set(rows.map((r) => r[1]));
    assert.equal(decryption.sessionsDecrypted, streams.size);
    assert.equal(
      decryption.sessionsDecrypted,
      (await readFile(keylog, 'utf8')).trim().split('\n').length,
      'one decrypted session per key',
    );
    assert.ok(decryption.sessions > decryption.sessionsDecrypted, 'the TLS 1.3 sessions have no key in the log');
    assert.deepEqual(
      decryption.requests.map((r) => [String(r.frame), r.method, r.host]),
      rows.map((r) => [r[0], r[2], r[3]]),
    );
    const protocols = new Set(decryption.requests.map((r) => r.protocol));
    assert.deepEqual([...protocols].sort(), ['HTTP/1.1', 'HTTP/2']);
    const telemetry = decryption.requests.find((r) => r.protocol === 'HTTP/1.1');
    assert.ok(telemetry, 'an HTTP/1.1 request was decrypted');
    const { stdout: lengths } = await execa('tshark', [
      '-n',
      '-r',
      capture,
      '-o',
      `tls.keylog_file:${keylog}`,
      '-Y',
      `frame.number == ${telemetry.frame} || frame.number == ${telemetry.responseFrame}`,
      '-T',
      'fields',
      '-e',
      'http.content_length',
    ]);
    assert.deepEqual(lengths.trim().split('\n').map(Number), [telemetry.requestBytes, telemetry.responseBytes]);
    assert.equal(telemetry.status, 200);
    const posted = decryption.requests.filter((r) => r.action === 'message-sent');
    assert.ok(posted.length >= 2);
    for (const r of posted) {
      assert.equal(r.pathTemplate, '/v1/users/ME/conversations/{id}/messages');
      assert.equal(r.status, 201);
      assert.ok(r.requestBytes! > 0 && r.responseBytes! > 0);
    }
    // The activity evidence: the chat segment names the decrypted request and is stated with high confidence.
    const chat = report.application.timeline.find((s) =>
      s.evidence.some((e) =>
        e.startsWith(
          'decrypted request: POST emea.ng.msg.teams.microsoft.com/v1/users/ME/conversations/{id}/messages → 201',
        ),
      ),
    );
    assert.ok(chat, JSON.stringify(report.application.timeline));
    assert.equal(chat.activity, 'chat');
    assert.equal(chat.confidence, 'high');
    assert.ok(report.capture.tshark.arguments.includes(`tls.keylog_file:${keylog}`));
  });

  it('the decrypted message POSTs are the ground truth: each falls in a chat the traffic alone shows', async function () {
    const { activityInputs } = await analyzeCaptureModel(capture, { keylog });
    const posted = (activityInputs.decryptedRequests ?? []).filter((r) => r.action === 'message-sent');
    assert.ok(posted.length >= 2);
    // The classifier without the decrypted requests: the chat service answered, a notification beside it.
    const { timeline } = classifyActivity({ ...activityInputs, decryptedRequests: [] }).application;
    for (const request of posted) {
      const segment = timeline.find((s) => s.start <= request.time && request.time <= s.end)!;
      assert.ok(segment.activities.includes('chat'), `POST at ${request.time} s: ${JSON.stringify(segment)}`);
      assert.ok(
        segment.evidence.some((e) => /Teams chat service .*notification at/.test(e)),
        JSON.stringify(segment.evidence),
      );
    }
  });

  it('without a key log the report has no decryption section and tshark is given no key log', async function () {
    const result = await runCli(['analyze', capture, '--format', 'json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const report = parseReport(result.stdout);
    assert.equal(report.decryption, undefined);
    assert.ok(!report.capture.tshark.arguments.some((a) => a.includes('keylog')));
    assert.ok(!report.flows.some((f) => f.protocols.includes('http2')), 'nothing was decrypted');
    assert.ok(!report.application.timeline.some((s) => s.evidence.some((e) => e.startsWith('decrypted request'))));
  });

  it('no secret from the key log appears in any report, message or comment; annotate --keylog embeds the keys and says so', async function () {
    const outputs: string[] = [];
    for (const format of ['md', 'json', 'html']) {
      const result = await runCli(['analyze', capture, '--keylog', keylog, '--format', format]);
      assert.equal(result.exitCode, 0, result.stderr);
      outputs.push(result.stdout, result.stderr);
    }
    assert.match(outputs[0]!, /## Decryption \(TLS key log\)/);
    assert.match(outputs[0]!, /decrypted \*\*\d+ of \d+\*\* TLS session/);
    const annotated = join(folder(), 'annotated.pcapng');
    const result = await runCli(['annotate', capture, '--out', annotated, '--keylog', keylog]);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stderr, /warning: .*annotated\.pcapng now holds the TLS keys/);
    outputs.push(result.stdout, result.stderr);
    outputs.push((await execa('capinfos', ['-k', annotated])).stdout);
    outputs.push(
      (await execa('tshark', ['-n', '-r', annotated, '-Y', 'frame.comment', '-T', 'fields', '-e', 'frame.comment']))
        .stdout,
    );
    const everything = outputs.join('\n').toLowerCase();
    for (const secret of secrets)
      assert.ok(!everything.includes(secret.toLowerCase()), `secret ${secret.slice(0, 8)}… leaked`);
    // The keys travel inside the annotated pcapng: it decrypts without a key log.
    const { stdout } = await execa('tshark', [
      '-n',
      '-r',
      annotated,
      '-Y',
      'http2.headers.method',
      '-T',
      'fields',
      '-e',
      'frame.number',
    ]);
    assert.ok(stdout.trim().split('\n').length >= 3);
  });

  it('says in one line when the key log is missing', async function () {
    const result = await runCli(['analyze', capture, '--keylog', join(folder(), 'none.txt')]);
    assert.equal(result.exitCode, 1);
    assert.match(result.stderr, /^teamshark: .*none\.txt: key log not found$/);
  });
});
