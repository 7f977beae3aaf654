import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sharedCapture, teamshark } from './host.js';

/** What a language model gets back from a Teamshark tool: one text part holding the answer as JSON. */
async function invoke<Answer>(name: string, input: object): Promise<Answer> {
  const result = await vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined });
  const [part] = result.content;
  assert.ok(part instanceof vscode.LanguageModelTextPart, 'the answer is text');
  return JSON.parse(part.value) as Answer;
}

describe("Teamshark's tools for language models (agent mode)", () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('are registered under the names package.json contributes', async () => {
    await teamshark();
    const names = vscode.lm.tools.map((tool) => tool.name).filter((name) => name.startsWith('teamshark_'));
    assert.deepEqual(names.sort(), [
      'teamshark_analyze_capture',
      'teamshark_call_quality',
      'teamshark_compare_captures',
      'teamshark_get_finding',
      'teamshark_packets',
    ]);
  });

  it("answer from the window's own report of teams.pcap: the findings, one finding whole, its packets", async () => {
    const api = await teamshark();
    const uri = sharedCapture('teams.pcap');
    const report = await api.store.analyze(uri);
    const summary = await invoke<{ findings: { id: string }[]; capture: { packets: number } }>(
      'teamshark_analyze_capture',
      { path: uri.fsPath },
    );
    assert.equal(summary.capture.packets, report.capture.packets);
    assert.deepEqual(
      summary.findings.map((f) => f.id),
      report.findings.map((f) => f.id),
    );
    const first = report.findings[0]!;
    const whole = await invoke<{ frames: number[]; filter: string }>('teamshark_get_finding', {
      path: uri.fsPath,
      id: first.id,
    });
    assert.deepEqual([whole.frames, whole.filter], [first.frames, first.filter]);
    const rows = await invoke<{ matched: number; rows: string[][] }>('teamshark_packets', {
      path: uri.fsPath,
      filter: first.filter,
      fields: ['frame.number'],
      limit: 500,
    });
    for (const frame of first.frames)
      assert.ok(
        rows.rows.some(([n]) => Number(n) === frame),
        `frame ${frame}`,
      );
  });

  it("on a call: each stream's figures and verdict as the report has them; two captures compared column by column", async () => {
    const api = await teamshark();
    const call = sharedCapture('teams-activities/audio-lan-K1AE.pcapng');
    const report = await api.store.analyze(call);
    const quality = await invoke<{ verdict: string; streams: { ssrc: string; packets: number; lost: number }[] }>(
      'teamshark_call_quality',
      { path: call.fsPath },
    );
    assert.ok(report.quality && report.quality.streams.length > 0, 'the call has streams');
    assert.equal(quality.verdict, report.quality.verdict);
    assert.deepEqual(
      quality.streams.map((s) => [s.ssrc, s.packets, s.lost]),
      report.quality.streams.map((s) => [s.ssrc, s.packets, s.lost]),
    );
    const other = sharedCapture('teams.pcap');
    const otherReport = await api.store.analyze(other);
    const { captures } = await invoke<{ captures: { packets: number }[] }>('teamshark_compare_captures', {
      paths: [call.fsPath, other.fsPath],
    });
    assert.deepEqual(
      captures.map((c) => c.packets),
      [report.capture.packets, otherReport.capture.packets],
    );
  });

  it('without a path, read the capture open in the editor; a capture neither open nor in the workspace is refused', async () => {
    const api = await teamshark();
    const uri = sharedCapture('teams.pcap');
    await vscode.commands.executeCommand('vscode.openWith', uri, 'teamshark.capture');
    const report = await api.store.analyze(uri);
    const quality = await invoke<{ verdict: string; streams: unknown[] }>('teamshark_call_quality', {});
    assert.equal(quality.verdict, report.quality?.verdict ?? 'unknown');
    assert.equal(quality.streams.length, report.quality?.streams.length ?? 0);
    await assert.rejects(
      invoke('teamshark_analyze_capture', { path: '/etc/hostname' }),
      /neither in the workspace nor a capture opened in this window/,
    );
  });
});

describe("Teamshark's tools for language models in an untrusted workspace", () => {
  before(function () {
    if (vscode.workspace.isTrusted) this.skip(); // run by the untrusted-workspace host (test/extension-host.test.ts)
  });

  it('refuse to run tshark, and say why', async () => {
    await teamshark();
    await assert.rejects(
      invoke('teamshark_analyze_capture', { path: sharedCapture('teams.pcap').fsPath }),
      /runs no tool in an untrusted workspace/,
    );
  });
});
