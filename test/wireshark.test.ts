import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { serviceForName } from '../core/knowledge/catalog.js';
import { coloringRules, filterButtons, PROFILE_NAME } from '../core/wireshark/profile.js';
import { analyzed, runCli, sharedCapture, temporaryFolder } from './helpers.js';

/** tshark's notice when run as root is not a warning about the profile. */
const ROOT_NOTICE = /^Running as user "root".*\n?/gm;

async function sha256(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

async function framesMatching(capture: string, filter: string, env?: Record<string, string>): Promise<number[]> {
  const { stdout } = await execa('tshark', ['-n', '-r', capture, '-Y', filter, '-T', 'fields', '-e', 'frame.number'], { env });
  return stdout.split('\n').filter(Boolean).map(Number);
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
    assert.deepEqual(await framesMatching(out, 'frame.comment contains "Teamshark"'), evidence);
    // Every finding is findable in Wireshark by its id, on each of its frames.
    for (const finding of report.findings.slice(0, 8)) {
      const frames = await framesMatching(out, `frame.comment contains "[${finding.id}]"`);
      assert.deepEqual(frames, [...new Set(finding.frames)].sort((a, b) => a - b), finding.id);
    }
    // The same packets, in the same order: only comments were added.
    const { stdout: packets } = await execa('tshark', ['-n', '-r', out, '-T', 'fields', '-e', 'frame.len']);
    assert.equal(packets.trim().split('\n').length, report.capture.packets);

    const { stdout: info } = await execa('capinfos', ['-k', out]);
    assert.match(info, new RegExp(`Activity: ${report.application.dominantActivity} \\(${report.application.confidence} confidence\\)`));
    assert.match(info, new RegExp(`Call path: ${report.call!.path}`));
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
    const result = await runCli(['annotate', capture, '--out', join(folder(), 'none.pcapng')], { TEAMSHARK_EDITCAP: join(folder(), 'no-editcap') });
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
    assert.deepEqual((await readdir(profile)).sort(), ['colorfilters', 'dfilter_buttons', 'heuristic_protos', 'preferences']);
    const run = await execa('tshark', ['-C', PROFILE_NAME, '-r', sharedCapture(this, 'teams.pcap'), '-c', '5'], { env: { ...env }, reject: false });
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
    assert.equal((await runCli(['wireshark-profile', '--out', out, '--decode-as', 'udp.port==53,rtp'], env)).exitCode, 0);
    const heuristics = await readFile(join(out, 'heuristic_protos'), 'utf8');
    assert.match(heuristics, /^rtp_udp,1$/m);
    assert.match(heuristics, /^rtcp_udp,1$/m);
    assert.match(await readFile(join(out, 'preferences'), 'utf8'), /^tcp\.reassemble_out_of_order: TRUE$/m);
    // With the profile, tshark decodes DNS's port as RTP: the decode-as entry was read.
    const dns = sharedCapture(this, 'dns.pcap');
    const run = await execa('tshark', ['-C', PROFILE_NAME, '-r', dns, '-c', '1', '-T', 'fields', '-e', 'frame.protocols'], { env, reject: false });
    assert.equal(run.stderr.replace(ROOT_NOTICE, ''), '');
    assert.match(run.stdout, /:rtp/);
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

  it('colours the Teams names the service catalog knows, and no other', async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const rule = coloringRules().find((r) => r.name === 'Teams DNS names')!;
    const { stdout } = await execa('tshark', ['-n', '-r', capture, '-Y', rule.filter, '-T', 'fields', '-e', 'dns.qry.name']);
    const coloured = new Set(stdout.split('\n').filter(Boolean));
    const report = await analyzed(capture);
    const teams = new Set(report.dns.names.map((n) => n.name).filter((name) => ['teams', 'teams-calling'].includes(serviceForName(name)?.service ?? '')));
    assert.ok(teams.size >= 3, `only ${teams.size} Teams names`);
    assert.deepEqual([...coloured].sort(), [...teams].sort());
  });
});
