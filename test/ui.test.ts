import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { FrameLocator, Page } from 'playwright-core';
import { sharedCapture } from './helpers.js';
import { ATTACKS, hostileCapture, hostileCertificate } from './hostile-capture.js';
import { installCodeServer, openBrowser, REPO, startCodeServer, workbenchUrl, type CodeServer } from './vscode/code-server.js';

const RESULTS = join(REPO, 'test-results');
const NOTE_CLAIM = 'The server selected TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.\nThe connection to teams.microsoft.com negotiated TLS 1.0.';

let vsix: Promise<string> | undefined;
/** The .vsix as `npm run package` builds it (from the already compiled dist/), once per run. */
function packagedExtension(): Promise<string> {
  vsix ??= (async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'teamshark-vsix-')), 'teamshark.vsix');
    await execa(join(REPO, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', path], { cwd: REPO, timeout: 120_000 });
    return path;
  })();
  return vsix;
}

/** A workspace folder holding (a link to) teams.pcap. */
function workspaceWithCapture(capture: string): string {
  const workspace = mkdtempSync(join(tmpdir(), 'teamshark-ui-'));
  symlinkSync(capture, join(workspace, 'teams.pcap'));
  return workspace;
}

/**
 * What a user sees: the .vsix installed into code-server with --install-extension, teams.pcap opened in the
 * browser workbench, "Teamshark: Analyze Teams capture" run from the command palette, the Captures tree
 * expanded. Assertions are on the text on screen; screenshots go to test-results/ for people.
 */
describe('Teamshark in the VS Code workbench (browser)', function () {
  this.timeout(600_000);
  let server: CodeServer | undefined;
  let workspace = '';
  let page: Page;
  let closeBrowser: () => Promise<void> = async () => undefined;
  const cspViolations: string[] = [];
  const dialogs: string[] = [];

  before(async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const entry = installCodeServer();
    workspace = workspaceWithCapture(capture);
    writeFileSync(join(workspace, 'hostile.pcap'), hostileCapture(await hostileCertificate(workspace)));
    writeFileSync(join(workspace, 'call-notes.md'), `---\ncapture: ./teams.pcap\n---\n# Security\n\n${NOTE_CLAIM}\n`);
    server = await startCodeServer({ entry, install: [await packagedExtension()] });
    mkdirSync(RESULTS, { recursive: true });
    const browser = await openBrowser(server.root);
    closeBrowser = () => browser.context.close();
    page = browser.page;
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to (load|execute|apply)/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(workbenchUrl(server, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  });

  after(async () => {
    await closeBrowser();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('the .vsix installed with --install-extension is listed by code-server', async () => {
    const { stdout } = await execa(process.execPath, [installCodeServer(), '--extensions-dir', server!.extensionsDir, '--list-extensions', '--show-versions']);
    assert.match(stdout, /^teamshark\.teamshark@0\.1\.0$/m);
  });

  it('opening teams.pcap shows its analysis, not bytes', async () => {
    await runQuickOpen(page, 'teams.pcap');
    const view = analysisView(page);
    await view.locator('h1', { hasText: 'Teamshark report' }).waitFor({ timeout: 120_000 });
    for (const section of ['DNS', 'Network', 'Transport', 'Security', 'Application']) {
      assert.equal(await view.locator('h2', { hasText: new RegExp(`^${section}$`) }).count(), 1, `section ${section}`);
    }
    assert.ok(await view.locator('figure svg').count(), 'the packets-per-second chart is drawn');
    assert.match(await view.locator('table').first().innerText(), /Packets\s+1540/);
  });

  it('"Teamshark: Analyze Teams capture" from the palette fills the Captures tree with the report sections', async () => {
    await runCommand(page, 'Teamshark: Analyze Teams capture');
    const tree = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Captures/i }) });
    const row = (label: string | RegExp) => tree.locator('.monaco-list-row', { hasText: label });
    await row('teams.pcap').first().waitFor({ timeout: 60_000 });
    for (const section of ['DNS', 'Network', 'Transport', 'Security', 'Application']) await row(new RegExp(`^${section}`)).first().waitFor();
    await row(/^Names looked up/).first().click();
    await row(/^config\.teams\.microsoft\.com/).first().click();
    await tree.screenshot({ path: join(RESULTS, 'capture-tree.png') });

    // Selecting the name in the tree reveals it in the analysis view.
    const revealed = analysisView(page).locator('.revealed');
    await revealed.waitFor({ timeout: 10_000 });
    assert.match(await revealed.innerText(), /config\.teams\.microsoft\.com/);
    await page.screenshot({ path: join(RESULTS, 'analysis-view.png') });
  });

  it('a capture whose DNS names, SNI and certificate subject are attacks renders them as inert text', async () => {
    await runQuickOpen(page, 'hostile.pcap');
    const view = analysisView(page);
    await view.locator('h1', { hasText: 'hostile.pcap' }).waitFor({ timeout: 120_000 });
    const text = await view.locator('body').innerText();
    assert.ok(text.includes(ATTACKS.script), 'the <script> name is shown as text');
    assert.ok(text.includes(ATTACKS.link), 'the Markdown link is shown as text');
    assert.doesNotMatch(text, /\x1b/, 'no terminal escape reaches the view');
    // VS Code injects its own bootstrap script into every webview: look for the capture's, not for any.
    assert.equal(await view.locator('script', { hasText: 'alert(1)' }).count(), 0, 'the <script> name did not become an element');
    assert.equal(await view.locator('a[href^="javascript" i], [onerror], [onclick]').count(), 0, 'no active link or handler');
    await page.screenshot({ path: join(RESULTS, 'hostile-capture.png') });
    assert.deepEqual(dialogs, [], 'no script ran (it would have opened an alert)');
  });

  it('a note linked to teams.pcap: a hover explains its cipher suite; the Problems panel and an inlay hint give the true TLS version', async () => {
    await runQuickOpen(page, 'call-notes.md');
    const line = page.locator('.monaco-editor .view-line', { hasText: 'selected' });
    await line.waitFor({ timeout: 30_000 });
    const suite = line.locator('span span', { hasText: /^TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384$/ });
    await suite.waitFor({ timeout: 10_000 }).catch(async (error) => {
      await page.screenshot({ path: join(RESULTS, 'note-debug.png') });
      throw new Error(`${(error as Error).message}\n${await line.innerHTML()}`);
    });
    assert.match(String(await suite.getAttribute('class')), /mtk\d+/, 'the grammar makes the suite a token of its own');
    await suite.hover();
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'Forward secrecy' });
    await hover.waitFor({ timeout: 30_000 });
    assert.match(await hover.innerText(), /TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384[\s\S]*Grade: recommended[\s\S]*In teams\.pcap: offered in 38 ClientHellos/);
    await page.screenshot({ path: join(RESULTS, 'note-hover.png') });

    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'negotiated TLS 1.2, not TLS 1.0' });
    await problem.waitFor({ timeout: 120_000 });
    assert.match(await problem.innerText(), /frames 26, 186, 931/);
    await page.locator('.monaco-editor .view-line', { hasText: '≠ teams.pcap: TLS 1.2, frames 26, 186, 931' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(RESULTS, 'note-problems.png') });
  });

  it('the analysis view runs under its Content-Security-Policy without a violation', () => {
    assert.deepEqual(cspViolations, []);
  });
});

describe('Teamshark in an untrusted workspace (browser)', function () {
  this.timeout(600_000);
  let server: CodeServer | undefined;
  let workspace = '';
  let closeBrowser: () => Promise<void> = async () => undefined;

  after(async () => {
    await closeBrowser();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('asks before running tshark, analyses nothing on "Cancel", and analyses after "Analyze"', async function () {
    workspace = workspaceWithCapture(sharedCapture(this, 'teams.pcap'));
    server = await startCodeServer({ entry: installCodeServer(), install: [await packagedExtension()], untrusted: true });
    const browser = await openBrowser(server.root);
    closeBrowser = () => browser.context.close();
    const { page } = browser;
    await page.goto(workbenchUrl(server, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    await runQuickOpen(page, 'teams.pcap');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    assert.match(await dialog.innerText(), /This workspace is not trusted\. Run tshark on teams\.pcap\?/);
    await page.screenshot({ path: join(RESULTS, 'untrusted-consent.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    const view = analysisView(page);
    await view.locator('.status-error').waitFor({ timeout: 30_000 });
    assert.match(await view.locator('.status-error').innerText(), /not analysed: the workspace is not trusted/);
    assert.equal(await view.locator('h1', { hasText: 'Teamshark report' }).count(), 0);

    await view.getByRole('button', { name: 'Re-analyze' }).click();
    await dialog.waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Analyze' }).click();
    await view.locator('h1', { hasText: 'Teamshark report' }).waitFor({ timeout: 120_000 });
  });
});

/** The visible analysis webview's document: two iframes deep in the workbench (hidden views keep theirs). */
function analysisView(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
}

async function runQuickOpen(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(text);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first().waitFor();
  await page.keyboard.press('Enter');
}

async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}
