import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { copyFileSync, existsSync, readFileSync, writeFileSync, mkdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import {
  commandLine,
  isRunning,
  labelText,
  largeCapture,
  sharedCapture,
  teamshark,
  threadCount,
  tsharkChildren,
  until,
  workspaceFolder,
} from './host.js';

const VIEW_TYPE = 'teamshark.capture';

describe('Teamshark in the extension host', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('activates when a capture is opened, and the view shows its analysis', async () => {
    const uri = sharedCapture('teams.pcap');
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const extension = vscode.extensions.getExtension('teamshark.teamshark')!;
    await until('activation', () => extension.isActive);
    const api = await teamshark();
    const states = await until('the report in the view', () => {
      const s = api.editor.statesOf(uri);
      return s.length && s.every((state) => state.kind !== 'analysing') ? s : undefined;
    });
    assert.deepEqual(states, [{ kind: 'report' }]);
  });

  it('"Analyze Teams capture" analyses teams.pcap and the Captures tree shows its sections and items', async () => {
    const uri = sharedCapture('teams.pcap');
    const api = await teamshark();
    const report = await vscode.commands.executeCommand<{ capture: { packets: number } }>('teamshark.analyze', uri);
    assert.equal(report?.capture.packets, 1540);

    const captures = api.tree.getChildren();
    const capture = captures.find((node) => node.kind === 'capture' && node.uri.fsPath === uri.fsPath);
    assert.ok(capture, 'teams.pcap is in the tree');
    assert.match(String(api.tree.getTreeItem(capture).description), /1540 packets/);
    const sections = api.tree.getChildren(capture);
    assert.deepEqual(
      sections.map((s) => api.tree.getTreeItem(s).label),
      ['DNS', 'Network', 'Transport', 'Security', 'Application', 'Call quality'],
    );

    const labelsUnder = (node: (typeof sections)[number]) =>
      api.tree.getChildren(node).map((child) => labelText(api.tree.getTreeItem(child)));
    const [dns, network, transport, security, application] = sections;
    const names = api.tree.getChildren(dns!).find((g) => api.tree.getTreeItem(g).label === 'Names looked up')!;
    assert.ok(labelsUnder(names).includes('config.teams.microsoft.com'));
    assert.ok(labelsUnder(network!).includes('Addresses'));
    assert.ok(labelsUnder(transport!).includes('Flows'));
    const handshakes = api.tree.getChildren(security!).find((g) => api.tree.getTreeItem(g).label === 'TLS handshakes')!;
    const descriptions = api.tree.getChildren(handshakes).map((h) => String(api.tree.getTreeItem(h).description));
    assert.ok(
      descriptions.some((d) => /TLS 1\.2 · TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384/.test(d)),
      descriptions.join('\n'),
    );
    const media = api.tree.getChildren(application!).find((g) => api.tree.getTreeItem(g).label === 'Media streams')!;
    assert.ok(api.tree.getChildren(media).length > 0);

    // Evidence: an item's frames are its children, and its display filter is what "Copy display filter" copies.
    const domain = api.tree
      .getChildren(names)
      .find((n) => api.tree.getTreeItem(n).label === 'config.teams.microsoft.com')!;
    assert.deepEqual(
      api.tree.getChildren(domain).map((f) => api.tree.getTreeItem(f).label),
      ['Frame 312', 'Frame 333'],
    );
    await vscode.commands.executeCommand('teamshark.copyFilter', domain);
    assert.equal(await vscode.env.clipboard.readText(), 'dns.qry.name == "config.teams.microsoft.com"');
  });

  it('"Export report as Markdown" writes the report and its chart; "Compare captures…" opens one column per capture', async () => {
    const folder = join(workspaceFolder().fsPath, 'export');
    mkdirSync(folder, { recursive: true });
    const target = vscode.Uri.file(join(folder, 'teams.md'));
    await vscode.commands.executeCommand('teamshark.exportMarkdown', sharedCapture('teams.pcap'), target);
    const markdown = readFileSync(target.fsPath, 'utf8');
    assert.match(markdown, /^# Teamshark report: .*teams\.pcap/);
    assert.match(markdown, /!\[Packets per second by protocol\]\(teams\.packets-per-second\.svg\)/);
    assert.ok(existsSync(join(folder, 'teams.packets-per-second.svg')));
    rmSync(folder, { recursive: true, force: true });

    const captures = ['teams.pcap', 'teams-activities/audio-lan-K1AE.pcapng'].map(sharedCapture);
    const document = await vscode.commands.executeCommand<vscode.TextDocument>('teamshark.compare', captures);
    assert.equal(document?.languageId, 'markdown');
    assert.match(document!.getText(), /\| Activity \| call-setup \| audio \|/);
  });

  it('serves an unchanged capture from the cache and analyses a changed one again', async () => {
    const folder = join(workspaceFolder().fsPath, 'cache');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, 'copy.pcap');
    copyFileSync(sharedCapture('teams.pcap').fsPath, path);
    const uri = vscode.Uri.file(path);
    const api = await teamshark();
    const first = await api.store.analyze(uri);
    assert.equal(await api.store.analyze(uri), first, 'same file, same size and time: the cached report');
    utimesSync(path, new Date(), new Date(Date.now() + 60_000));
    const second = await api.store.analyze(uri);
    assert.notEqual(second, first, 'a new modification time means a new analysis');
    assert.deepEqual(second.findings, first.findings);
    rmSync(folder, { recursive: true, force: true });
  });

  it('keeps a report in memory while the Captures tree or its view shows it, and drops it with the last', async () => {
    const folder = join(workspaceFolder().fsPath, 'memory');
    mkdirSync(folder, { recursive: true });
    const uri = largeCapture(join(folder, 'viewed.pcap'), 2); // a file of its own, analysed by this test alone
    const api = await teamshark();
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    await until('the report in the view', () => api.editor.statesOf(uri).some((s) => s.kind === 'report'));
    assert.ok(api.store.inMemory(uri), 'the view shows it');
    await vscode.commands.executeCommand('teamshark.removeCapture', api.tree.captureNode(uri));
    assert.ok(api.store.inMemory(uri), 'removed from the tree, but the view still shows it');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('the report dropped with its view', () => !api.store.inMemory(uri));
    rmSync(folder, { recursive: true, force: true });
  });

  it('cancelling an analysis stops tshark and the analysis worker thread: no tshark process is left', async function () {
    const folder = join(workspaceFolder().fsPath, 'cancel');
    mkdirSync(folder, { recursive: true });
    const uri = largeCapture(join(folder, 'long.pcap'), 40);
    const api = await teamshark();
    const threads = threadCount();
    const source = new vscode.CancellationTokenSource();
    const analysis = api.store.analyze(uri, { force: true, token: source.token });
    const [pid] = await until('tshark to start', () => {
      const pids = tsharkChildren();
      return pids.length ? pids : undefined;
    });
    assert.ok(threadCount() > threads, 'the analysis runs in a thread of its own');
    source.cancel();
    await assert.rejects(analysis, vscode.CancellationError);
    await until('tshark to end', () => !isRunning(pid!), 5_000);
    // A tshark the analysis started without a signal (`-G values`, the version) ends by itself within a second.
    await until('every tshark to end', () => tsharkChildren().length === 0, 5_000).catch(() =>
      assert.fail(`tshark still running: ${tsharkChildren().map(commandLine).join('; ')}`),
    );
    await until(
      `the worker thread to end (${threadCount()} threads, ${threads} before the analysis)`,
      () => threadCount() <= threads,
      5_000,
    );
    rmSync(folder, { recursive: true, force: true });
  });

  describe('settings', () => {
    const settingsFile = () => join(workspaceFolder().fsPath, '.vscode', 'settings.json');
    afterEach(async () => {
      rmSync(join(workspaceFolder().fsPath, '.vscode'), { recursive: true, force: true });
      await vscode.workspace
        .getConfiguration('teamshark')
        .update('tsharkPath', undefined, vscode.ConfigurationTarget.Global);
    });

    it('ignores teamshark.tsharkPath and tshark options set by the workspace', async () => {
      mkdirSync(join(workspaceFolder().fsPath, '.vscode'), { recursive: true });
      const changed = new Promise<void>((resolve) => {
        const listener = vscode.workspace.onDidChangeConfiguration(() => {
          listener.dispose();
          resolve();
        });
      });
      writeFileSync(
        settingsFile(),
        JSON.stringify({
          'teamshark.tsharkPath': '/bin/false',
          'teamshark.tsharkOptions': ['udp.port==3478,rtp'],
          'teamshark.activityWindowSeconds': 7,
        }),
      );
      await Promise.race([changed, new Promise((r) => setTimeout(r, 5_000))]);
      await until(
        'the workspace setting to be read',
        () => vscode.workspace.getConfiguration('teamshark').get('activityWindowSeconds') === 7,
      );
      const api = await teamshark();
      const report = await api.store.analyze(sharedCapture('teams.pcap'), { force: true });
      assert.ok(!report.capture.tshark.arguments.includes('-d'), report.capture.tshark.arguments.join(' '));
      assert.equal(report.application.windowSeconds, 7, 'a harmless workspace setting still applies');
    });

    it('honours teamshark.tsharkPath from user settings', async () => {
      await vscode.workspace
        .getConfiguration('teamshark')
        .update('tsharkPath', '/nonexistent/tshark', vscode.ConfigurationTarget.Global);
      const api = await teamshark();
      // The error's class is the extension bundle's, not this one's: its code and message tell what it is.
      await assert.rejects(api.store.analyze(sharedCapture('teams.pcap'), { force: true }), {
        code: 'tshark-missing',
        // Where it looked, then how to get tshark on each system.
        message: /\/nonexistent\/tshark.*wireshark\.org.*apt-get install -y tshark.*teamshark\.tsharkPath/,
      });
    });
  });

  it('a corrupt capture shows an error message in its view, not a broken view', async () => {
    const folder = join(workspaceFolder().fsPath, 'corrupt');
    mkdirSync(folder, { recursive: true });
    const path = join(folder, 'notes.pcap');
    writeFileSync(path, 'these are notes, not packets\n');
    const uri = vscode.Uri.file(path);
    await vscode.commands.executeCommand('vscode.openWith', uri, VIEW_TYPE);
    const api = await teamshark();
    const [state] = await until('the error in the view', () => {
      const s = api.editor.statesOf(uri);
      return s.length && s[0]!.kind === 'error' ? s : undefined;
    });
    assert.equal(state!.kind, 'error');
    assert.match((state as { message: string }).message, /notes\.pcap.*(not a|format|capture)/i);
    assert.doesNotMatch((state as { message: string }).message, /\n|at .*\(.*:\d+:\d+\)/, 'one line, no stack trace');
    rmSync(folder, { recursive: true, force: true });
  });
});
