import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedCapture, teamshark, until, workspaceFolder } from './host.js';

/** A note in the test workspace, with teams.pcap linked beside it (a symlink: captures are never copied). */
function writeNote(name: string, text: string): vscode.Uri {
  const folder = join(workspaceFolder().fsPath, 'notes');
  mkdirSync(folder, { recursive: true });
  const capture = join(folder, 'teams.pcap');
  rmSync(capture, { force: true });
  symlinkSync(sharedCapture('teams.pcap').fsPath, capture);
  writeFileSync(join(folder, name), text);
  return vscode.Uri.file(join(folder, name));
}

async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
}

describe('Notes that stay true to the capture', () => {
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(join(workspaceFolder().fsPath, 'notes'), { recursive: true, force: true });
  });

  it('explains a cipher suite named in a Markdown note, by IANA name and by code', async () => {
    const line = 'The server selected TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0x1301 in TLS 1.3).';
    const uri = writeNote('hover.md', `# Cipher suites\n\n${line}\n`);
    const document = await vscode.workspace.openTextDocument(uri);
    assert.equal(document.languageId, 'markdown');
    const byName = await hoverText(uri, new vscode.Position(2, line.indexOf('ECDHE')));
    assert.match(
      byName,
      /\*\*TLS\\_ECDHE\\_RSA\\_WITH\\_AES\\_256\\_GCM\\_SHA384\*\* \(0xc030 · OpenSSL `ECDHE-RSA-AES256-GCM-SHA384`\)/,
    );
    assert.match(byName, /Forward secrecy: yes · AEAD: yes/);
    assert.match(byName, /Grade: \*\*recommended\*\*/);
    assert.match(byName, /RFC 5289/);
    const byCode = await hoverText(uri, new vscode.Position(2, line.indexOf('0x1301') + 2));
    assert.match(byCode, /\*\*TLS\\_AES\\_128\\_GCM\\_SHA256\*\* \(0x1301\)/);
    assert.match(byCode, /TLS 1\.3 suite/);
  });

  it('flags "TLS 1.0" for teams.microsoft.com in a note linked to teams.pcap with the true version and frames, and fixes it', async () => {
    const uri = writeNote(
      'call.md',
      '---\ncapture: ./teams.pcap\n---\n# Security\n\nThe connection to teams.microsoft.com negotiated TLS 1.0.\n',
    );
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const [diagnostic, ...others] = await until(
      'the note diagnostics',
      () => {
        const found = vscode.languages.getDiagnostics(uri);
        return found.length ? found : undefined;
      },
      120_000,
    );
    assert.deepEqual(others, []);
    assert.equal(document.getText(diagnostic!.range), 'TLS 1.0');
    assert.equal(diagnostic!.source, 'teamshark');
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(
      diagnostic!.message,
      'teams.pcap: the 3 ServerHello(s) with teams.microsoft.com negotiated TLS 1.2, not TLS 1.0 (frames 26, 186, 931).',
    );

    // What the capture shows is written right after the words.
    const hints = await vscode.commands.executeCommand<vscode.InlayHint[]>(
      'vscode.executeInlayHintProvider',
      uri,
      new vscode.Range(0, 0, document.lineCount, 0),
    );
    assert.deepEqual(
      hints.map((h) => [h.position.isEqual(diagnostic!.range.end), h.label]),
      [[true, '≠ teams.pcap: TLS 1.2, frames 26, 186, 931']],
    );

    // A code lens on the Security heading counts the capture's security findings.
    const api = await teamshark();
    const security = api.store
      .get(vscode.Uri.file(join(workspaceFolder().fsPath, 'notes', 'teams.pcap')))!
      .report.findings.filter((f) => f.section === 'security').length;
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title]),
      [[3, `${security} findings in teams.pcap`]],
    );

    // The quick fix replaces the words with the true version; the diagnostic goes away.
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      uri,
      diagnostic!.range,
      vscode.CodeActionKind.QuickFix.value,
    );
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Replace with TLS 1.2', 'Annotate with what the capture shows (frames)'],
    );
    assert.ok(await vscode.workspace.applyEdit(actions[0]!.edit!));
    assert.match(document.getText(), /negotiated TLS 1\.2\.\n$/);
    await document.save();
    await until('the diagnostic to clear', () => vscode.languages.getDiagnostics(uri).length === 0, 10_000);
  });

  it('puts code lenses only on headings that name a report section: not on the title "# Call notes", nor on "#" lines in a code block', async () => {
    const note = [
      '---',
      'capture: ./teams.pcap',
      '---',
      '# Call notes', // "call" is a word of the Application section, but the heading names no section
      '',
      'We called from the lab.',
      '',
      '````markdown',
      '```',
      '# DNS',
      '```',
      '````',
      '',
      '## Security',
      '',
      '## Name resolution',
      '',
    ].join('\n');
    const uri = writeNote('lenses.md', note);
    const capture = vscode.Uri.file(join(workspaceFolder().fsPath, 'notes', 'teams.pcap'));
    const report = await (await teamshark()).store.analyze(capture);
    const lensTitle = (section: string) => {
      const count = report.findings.filter((f) => f.section === section).length;
      return `${count} finding${count === 1 ? '' : 's'} in teams.pcap`;
    };
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(
      lenses.map((l) => [l.range.start.line, l.command?.title, l.command?.arguments?.[1] as unknown]),
      [
        [13, lensTitle('security'), 'security'],
        [15, lensTitle('dns'), 'dns'],
      ],
    );
  });

  it('says where front matter is not valid YAML, as a warning on the note', async () => {
    const uri = writeNote('bad-yaml.md', '---\ncapture: ./teams.pcap\ncapture: ./teams.pcap\n---\n# Security\n');
    const document = await vscode.workspace.openTextDocument(uri);
    const diagnostics = await until(
      'the note diagnostics',
      () => {
        const found = vscode.languages.getDiagnostics(uri);
        return found.length ? found : undefined;
      },
      120_000,
    );
    assert.deepEqual(
      diagnostics.map((d) => [d.severity, d.code, d.message, d.range.start.line, document.getText(d.range)]),
      [
        [
          vscode.DiagnosticSeverity.Warning,
          'front-matter',
          'Front matter is not valid YAML: Map keys must be unique',
          2,
          'capture: ./teams.pcap',
        ],
      ],
    );
  });

  it('says on the link when a linked capture cannot be analysed', async () => {
    const uri = writeNote('missing.md', 'See [the call](./missing.pcapng): it negotiated TLS 1.0.\n');
    await vscode.workspace.openTextDocument(uri);
    const [diagnostic, ...others] = await until('the note diagnostics', () => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length ? found : undefined;
    });
    assert.deepEqual(others, [], 'without a report nothing is contradicted');
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Information);
    assert.deepEqual([diagnostic!.range.start.character, diagnostic!.range.end.character], [15, 31]);
    assert.match(diagnostic!.message, /^missing\.pcapng was not analysed: .*capture not found/);
  });

  it('"Insert finding into note" and "Insert report section" write the report\'s Markdown at the cursor', async () => {
    const uri = writeNote('insert.md', '# Findings\n\n');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    const capture = vscode.Uri.file(join(workspaceFolder().fsPath, 'notes', 'teams.pcap'));
    await (await teamshark()).store.analyze(capture);
    assert.equal(
      await vscode.commands.executeCommand('teamshark.insertFinding', { capture, findingId: 'tls-version/tls-1.2' }),
      true,
    );
    assert.equal(
      editor.document.getText(),
      '# Findings\n\n- **TLS 1.2 negotiated in 38 handshakes** — Servers: teams.microsoft.com, mobile.pipe.aria.microsoft.com, login.microsoftonline.com, eu-prod.asyncgw.teams.microsoft.com, eu-api.asm.skype.com, config.teams.microsoft.com, northeurope.notifications.teams.microsoft.com, presence.teams.microsoft.com, dati.ntop.org, chatsvcagg.teams.microsoft.com and 10 more\\\n' +
        '  Frames 26, 59, 75, 162, 186, 223, 276, 291, 320, 327, 351, 399, 417, 459, 553, 599, 624, 677, 755, 782, 795, 805, 830, 931, 953, 995, 1034, 1047, 1094, 1151, 1174, 1226, 1262, 1292, 1336, 1350, 1387, 1466 · filter `tls.handshake.type == 2 && tls.handshake.version == 0x0303 && !tls.handshake.extensions.supported_version`',
    );
    editor.selection = new vscode.Selection(
      editor.document.lineCount - 1,
      Number.MAX_SAFE_INTEGER,
      editor.document.lineCount - 1,
      Number.MAX_SAFE_INTEGER,
    );
    assert.equal(
      await vscode.commands.executeCommand('teamshark.insertReportSection', { capture, section: 'dns' }),
      true,
    );
    assert.match(
      editor.document.getText(),
      /supported_version`\n## DNS\n\n- \*\*captive\.apple\.com\.edgekey\.net resolves through 1 alias\*\*/,
    );
    assert.match(editor.document.getText(), /### Names looked up\n\n\| First seen \(s\) \| Name \|/);
  });

  it('"Insert finding into note" from a finding in the Captures tree inserts that finding', async () => {
    const uri = writeNote('from-tree.md', '');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const api = await teamshark();
    const capture = api.tree
      .getChildren()
      .find((node) => node.kind === 'capture' && node.uri.fsPath.endsWith('/notes/teams.pcap'))!;
    const security = api.tree.getChildren(capture).find((node) => api.tree.getTreeItem(node).label === 'Security')!;
    const findings = api.tree.getChildren(security).find((node) => api.tree.getTreeItem(node).label === 'Findings')!;
    const finding = api.tree
      .getChildren(findings)
      .find(
        (node) => api.tree.getTreeItem(node).label === 'No DNSSEC: no query asked for it and no answer was validated',
      )!;
    assert.match(String(api.tree.getTreeItem(finding).contextValue), /markdown/, 'the context menu offers the command');
    assert.equal(await vscode.commands.executeCommand('teamshark.insertFinding', finding), true);
    assert.match(
      editor.document.getText(),
      /^- \*\*No DNSSEC: no query asked for it and no answer was validated\*\* \*\(notice\)\* — .*\\\n {2}Frames 10, 11, .* · filter `dns && .*`$/s,
    );
  });
});
