/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (page.evaluate callbacks run in the browser: DOM types for them)
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ConsoleMessage, FrameLocator, Locator, Page } from 'playwright-core';
import { sharedCapture } from './helpers.js';
import { ATTACKS, hostileCapture, hostileCertificate } from './hostile-capture.js';
import {
  installCodeServer,
  openBrowser,
  REPO,
  startCodeServer,
  workbenchUrl,
  type CodeServer,
} from './vscode/code-server.js';

const RESULTS = join(REPO, 'test-results');
const CSP_VIOLATION = /Content Security Policy|Refused to (load|execute|apply|evaluate)|unsafe-eval/i;
const NOTE_CLAIM =
  'The server selected TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384.\nThe connection to teams.microsoft.com negotiated TLS 1.0.';

let vsix: Promise<string> | undefined;
/** The .vsix as `npm run package` builds it (from the already compiled dist/), once per run. */
function packagedExtension(): Promise<string> {
  vsix ??= (async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'teamshark-vsix-')), 'teamshark.vsix');
    await execa(
      join(REPO, 'node_modules/.bin/vsce'),
      ['package', '--no-dependencies', '--no-rewrite-relative-links', '--allow-missing-repository', '--out', path],
      { cwd: REPO, timeout: 120_000 },
    );
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
 * The analysis view's height for teams.pcap at 1400×900 before issue 20 (the Markdown report rendered as
 * HTML), measured with this test's own probe on commit 3580b54.
 */
const PRINTED_REPORT_HEIGHT = 20_854;
const AUDIO_CAPTURE = 'teams-activities/audio-lan-K1AE.pcapng';

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
  let closeBrowser: () => Promise<void> = () => Promise.resolve();
  const cspViolations: string[] = [];
  const dialogs: string[] = [];

  before(async function () {
    const capture = sharedCapture(this, 'teams.pcap');
    const entry = installCodeServer();
    workspace = workspaceWithCapture(capture);
    symlinkSync(sharedCapture(this, AUDIO_CAPTURE), join(workspace, 'audio.pcapng'));
    writeFileSync(join(workspace, 'hostile.pcap'), hostileCapture(await hostileCertificate(workspace)));
    writeFileSync(join(workspace, 'call-notes.md'), `---\ncapture: ./teams.pcap\n---\n# Security\n\n${NOTE_CLAIM}\n`);
    server = await startCodeServer({ entry, install: [await packagedExtension()] });
    mkdirSync(RESULTS, { recursive: true });
    const browser = await openBrowser(server.root);
    closeBrowser = () => browser.context.close();
    page = browser.page;
    page.setDefaultTimeout(30_000);
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (CSP_VIOLATION.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(workbenchUrl(server, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await page.screenshot({
      path: join(RESULTS, `failed-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`),
    });
    for (const key of ['Escape', 'Escape']) await page.keyboard.press(key); // leave no menu or picker to the next test
  });

  after(async () => {
    await closeBrowser();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('the .vsix installed with --install-extension is listed by code-server', async () => {
    const { stdout } = await execa(process.execPath, [
      installCodeServer(),
      '--extensions-dir',
      server!.extensionsDir,
      '--list-extensions',
      '--show-versions',
    ]);
    assert.match(stdout, /^teamshark\.teamshark@0\.1\.0$/m);
  });

  it('opening teams.pcap shows its analysis, not bytes: verdicts first, the file name as title', async () => {
    await runQuickOpen(page, 'teams.pcap');
    const view = analysisView(page);
    await view.locator('h1', { hasText: /^teams\.pcap$/ }).waitFor({ timeout: 120_000 });
    assert.equal(await view.locator('h1').innerText(), 'teams.pcap');
    assert.equal(await view.locator('h1').getAttribute('title'), join(workspace, 'teams.pcap'), 'the path on hover');
    for (const section of ['DNS', 'Network', 'Transport', 'Security', 'Application']) {
      assert.equal(await view.locator('h2', { hasText: new RegExp(`^${section}`) }).count(), 1, `section ${section}`);
    }
    const verdicts = await view.locator('.verdicts li').allInnerTexts();
    for (const verdict of ['Activity', 'Call path', 'NAT', 'TLS', 'DNS security', 'Warnings']) {
      assert.ok(
        verdicts.some((line) => line.startsWith(verdict)),
        `verdict ${verdict} in:\n${verdicts.join('\n')}`,
      );
    }
    assert.match(await view.locator('.capture-facts').innerText(), /Packets\s+1,?540/);
    await view.locator('figure.chart canvas').waitFor({ timeout: 30_000 });
  });

  it('the view fits 1400×900: no page scroll sideways, short cipher-suite rows, half the printed height, a TOC to every section', async () => {
    const view = analysisView(page);
    const layout = await measureView(view);
    console.log(
      `      measured: page ${layout.pageHeight} px tall, ${layout.scrollWidth}/${layout.clientWidth} px wide; cipher-suite rows up to ${layout.tallestSuiteRow} px (table ${layout.suiteTableHeight} px)`,
    );
    assert.ok(
      layout.scrollWidth <= layout.clientWidth,
      `the page scrolls sideways: ${layout.scrollWidth} > ${layout.clientWidth}`,
    );
    assert.ok(
      PRINTED_REPORT_HEIGHT > 0 && layout.pageHeight <= PRINTED_REPORT_HEIGHT / 2,
      `page ${layout.pageHeight} px, the printed report was ${PRINTED_REPORT_HEIGHT} px`,
    );
    await view.locator('nav.toc a[href="#section-security"]').click();
    const expanded = await measureView(view);
    console.log(
      `      with Security open: cipher-suite rows up to ${expanded.tallestSuiteRow} px (table ${expanded.suiteTableHeight} px); page ${expanded.scrollWidth}/${expanded.clientWidth} px wide`,
    );
    assert.ok(
      expanded.tallestSuiteRow > 0 && expanded.tallestSuiteRow <= 80,
      `tallest cipher-suite row ${expanded.tallestSuiteRow} px`,
    );
    assert.ok(
      expanded.scrollWidth <= expanded.clientWidth,
      `the page scrolls sideways: ${expanded.scrollWidth} > ${expanded.clientWidth}`,
    );

    const sections = await view.locator('section.report-section').evaluateAll((all) => all.map((s) => s.id));
    const links = await view.locator('nav.toc a').evaluateAll((all) => all.map((a) => a.getAttribute('href')));
    assert.deepEqual(
      links.filter((href) => href?.startsWith('#section-')),
      sections.map((id) => `#${id}`),
    );
    for (const id of sections) {
      await view.locator(`nav.toc a[href="#${id}"]`).click();
      const top = await view.locator(`#${id}`).evaluate((section) => ({
        open: section.querySelector('details')?.open ?? true,
        top: section.getBoundingClientRect().top,
        height: window.innerHeight,
      }));
      assert.ok(top.open, `${id} opens from the TOC`);
      assert.ok(top.top >= -1 && top.top < top.height / 2, `${id} is scrolled into view (top ${top.top})`);
    }
    await page.screenshot({ path: join(RESULTS, 'analysis-view-toc.png') });
  });

  it('"Teamshark: Analyze Teams capture" from the palette fills the Captures tree with the report sections', async () => {
    await runCommand(page, 'Teamshark: Analyze Teams capture');
    const tree = capturesTree(page);
    const row = (label: string | RegExp) => tree.locator('.monaco-list-row', { hasText: label });
    await row('teams.pcap').first().waitFor({ timeout: 60_000 });
    for (const section of ['DNS', 'Network', 'Transport', 'Security', 'Application'])
      await row(new RegExp(`^${section}`))
        .first()
        .waitFor();
    await row(/^Names looked up/)
      .first()
      .click();
    await row(/^config\.teams\.microsoft\.com/)
      .first()
      .click();
    await tree.screenshot({ path: join(RESULTS, 'capture-tree.png') });

    // Selecting the name in the tree reveals it in the analysis view.
    const revealed = analysisView(page).locator('.revealed');
    await revealed.waitFor({ timeout: 10_000 });
    assert.match(await revealed.innerText(), /config\.teams\.microsoft\.com/);
    await page.screenshot({ path: join(RESULTS, 'analysis-view.png') });
  });

  it('clicking a TLS handshake in the tree highlights its TLS-server row; clicking it again reveals it again', async () => {
    const tree = capturesTree(page);
    await tree
      .locator('.monaco-list-row', { hasText: /^TLS handshakes/ })
      .first()
      .click();
    await page.waitForTimeout(500);
    // The first handshake below the group (other level-4 rows, e.g. DNS names, may be open too).
    const index = await tree.locator('.monaco-list-row').evaluateAll((all) => {
      const rows = all
        .map((row) => ({
          index: Number(row.getAttribute('data-index')),
          level: Number(row.getAttribute('aria-level')),
          label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
        }))
        .sort((a, b) => a.index - b.index);
      const group = rows.findIndex((r) => r.level === 3 && r.label === 'TLS handshakes');
      return rows.find((r, i) => i > group && r.level === 4)?.index;
    });
    const handshake = tree.locator(`.monaco-list-row[data-index="${index}"]`);
    const label = (await handshake.locator('.label-name').innerText()).trim();
    const view = analysisView(page);
    // The previous test's highlight (a DNS name) fades in 4 s: until then it, not this reveal, is `.revealed`.
    await view.locator('.revealed').waitFor({ state: 'detached', timeout: 10_000 });
    await handshake.click();
    const row = view.locator('.revealed');
    await row.waitFor({ timeout: 10_000 });
    const where = await row.evaluate((element) => ({
      tag: element.tagName,
      table: element.closest('table')?.getAttribute('data-table'),
    }));
    assert.deepEqual(where, { tag: 'TR', table: 'tls-servers' });
    assert.ok((await row.innerText()).includes(label), `the row of ${label}`);
    await page.screenshot({ path: join(RESULTS, 'reveal-handshake.png') });
    // The highlight fades; selecting the same item again (already selected) reveals it again.
    await view.locator('.revealed').waitFor({ state: 'detached', timeout: 10_000 });
    await handshake.click();
    await row.waitFor({ timeout: 10_000 });
  });

  it("bug 2: analysing a second capture from the palette shows that capture's own items in the tree", async () => {
    await closeAllEditors(page);
    await runCommand(page, 'Teamshark: Analyze Teams capture');
    // code-server's own file dialog: a path in the quick input.
    await fillFileDialog(page, 'capture to analyse', join(workspace, 'audio.pcapng'));
    const expected = JSON.parse(
      (
        await execa(process.execPath, [
          join(REPO, 'out/core/cli.js'),
          'analyze',
          join(workspace, 'audio.pcapng'),
          '--format',
          'json',
        ])
      ).stdout,
    ) as {
      addresses: unknown[];
      findings: { section: string }[];
    };
    const tree = capturesTree(page);
    await tree
      .locator('.monaco-list-row', { hasText: /^audio\.pcapng/ })
      .first()
      .waitFor({ timeout: 120_000 });
    // Collapse teams.pcap (the first row) from the keyboard: audio.pcapng's items then fit the pane.
    const audioRow = tree.locator('.monaco-list-row[aria-level="1"]', { hasText: /^audio\.pcapng/ }).first();
    await audioRow.click();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowLeft');
    await page.waitForTimeout(500);
    if ((await audioRow.getAttribute('aria-expanded')) === 'false') await audioRow.click(); // a click toggles it
    await page.waitForTimeout(500);
    const rows = await treeRowsUnder(tree, 'audio.pcapng');
    const network = rows.slice(rows.findIndex((r) => r.level === 2 && r.label === 'Network'));
    const addresses = network.find((r) => r.level === 3 && r.label === 'Addresses');
    const findings = network.find((r) => r.level === 3 && r.label === 'Findings');
    await page.screenshot({ path: join(RESULTS, 'tree-second-capture.png') });
    assert.equal(addresses?.description, String(expected.addresses.length), JSON.stringify(rows));
    assert.equal(
      findings?.description,
      String(expected.findings.filter((f) => f.section === 'network').length),
      JSON.stringify(rows),
    );
  });

  it('bug 3: "Compare captures…" offers a multi-select quick pick of the captures in the workspace', async () => {
    await runCommand(page, 'Teamshark: Compare captures…');
    const item = (name: string) => page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
    await item('teams.pcap').waitFor({ timeout: 30_000 });
    // In a multi-select quick pick, clicking a row ticks it.
    await item('teams.pcap').click();
    await item('audio.pcapng').click();
    await page.screenshot({ path: join(RESULTS, 'compare-quick-pick.png') });
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click();
    // Monaco renders spaces as no-break spaces: \s matches both.
    await page
      .locator('.monaco-editor .view-line', { hasText: /\|\s+Activity\s+\|\s+call-setup\s+\|\s+audio\s+\|/ })
      .first()
      .waitFor({ timeout: 60_000 });
    await closeAllEditors(page);
  });

  it('bug 3: "Compare selected captures" on the multi-selection of the explorer', async () => {
    await page.keyboard.press('Control+Shift+E');
    const explorer = page.locator('.explorer-folders-view');
    await explorer.locator('.monaco-list-row', { hasText: 'teams.pcap' }).first().click();
    await page.waitForTimeout(1_000); // the click opens teams.pcap: let the focus come back to the explorer
    await explorer.locator('.monaco-list-row', { hasText: 'teams.pcap' }).first().click();
    await explorer
      .locator('.monaco-list-row', { hasText: 'audio.pcapng' })
      .first()
      .click({ modifiers: ['Control'] });
    await explorer.locator('.monaco-list-row.selected').nth(1).waitFor({ timeout: 5_000 });
    await explorer.locator('.monaco-list-row', { hasText: 'audio.pcapng' }).first().click({ button: 'right' });
    const compareSelected = page
      .locator('.monaco-menu .action-label', { hasText: 'Compare selected captures' })
      .first();
    await compareSelected.click();
    // On a loaded machine the context menu can take the first click while it settles: the entry is then
    // highlighted and the menu still open, and Enter runs it.
    if (await compareSelected.isVisible()) await page.keyboard.press('Enter');
    await page
      .locator('.monaco-editor .view-line', {
        hasText: /\|\s+Activity\s+\|\s+(call-setup\s+\|\s+audio|audio\s+\|\s+call-setup)\s+\|/,
      })
      .first()
      .waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(RESULTS, 'compare-explorer.png') });
    await closeAllEditors(page);
  });

  it('bug 1: "Export report as Markdown" from the editor title bar writes the report', async () => {
    await runQuickOpen(page, 'teams.pcap');
    await analysisView(page)
      .locator('h1', { hasText: /^teams\.pcap$/ })
      .waitFor({ timeout: 120_000 });
    await page.locator('.editor-actions .action-label[aria-label*="Export report as Markdown"]').first().click();
    await fillFileDialog(page, 'export the report', join(workspace, 'exported.md'));
    await page
      .locator('.monaco-editor .view-line', { hasText: 'Teamshark report' })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.ok(existsSync(join(workspace, 'exported.md')), 'the report is written where the dialog said');
    await closeAllEditors(page);
  });

  it('the view in light, dark and high-contrast themes (screenshots)', async () => {
    await page.keyboard.press('Escape');
    // From the explorer: the export before this one may still be opening its Markdown when quick open runs.
    await closeAllEditors(page);
    await openFromExplorer(page, 'teams.pcap');
    const view = analysisView(page);
    await view.locator('h1', { hasText: /^teams\.pcap$/ }).waitFor({ timeout: 120_000 });
    const backgrounds = new Set<string>();
    for (const [theme, file] of [
      ['Light Modern', 'light'],
      ['Dark High Contrast', 'high-contrast'],
      ['Dark Modern', 'dark'],
    ] as const) {
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
      // Click the exact command: "Browse Color Themes in Marketplace" matches the same words.
      await page
        .locator('.quick-input-list .monaco-list-row', {
          has: page.locator('.label-name', { hasText: /^Preferences: Color Theme$/ }),
        })
        .first()
        .click();
      await page.waitForTimeout(1_500); // the theme picker replaces the command palette
      await page.keyboard.type(theme);
      await page
        .locator('.quick-input-list .monaco-list-row', {
          has: page.locator('.label-name', { hasText: new RegExp(`^${theme}$`) }),
        })
        .first()
        .click();
      await page.waitForTimeout(1_500);
      const colours = await view.locator('body').evaluate((body) => getComputedStyle(body).backgroundColor);
      console.log(`      ${theme}: background ${colours}`);
      backgrounds.add(colours);
      await page.screenshot({ path: join(RESULTS, `analysis-view-${file}.png`) });
    }
    assert.equal(backgrounds.size, 3, 'the view takes its colours from the theme');
  });

  it('a capture whose DNS names, SNI and certificate subject are attacks renders them as inert text', async () => {
    await runQuickOpen(page, 'hostile.pcap');
    const view = analysisView(page);
    await view.locator('h1', { hasText: /^hostile\.pcap$/ }).waitFor({ timeout: 120_000 });
    await view.locator('details').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const text = await view.locator('body').innerText();
    assert.ok(text.includes(ATTACKS.script), 'the <script> name is shown as text');
    assert.ok(text.includes(ATTACKS.link), 'the Markdown link is shown as text');
    // eslint-disable-next-line no-control-regex -- ESC is the point: no terminal escape may get through
    assert.doesNotMatch(text, /\x1b/, 'no terminal escape reaches the view');
    // VS Code injects its own bootstrap script into every webview: look for the capture's, not for any.
    assert.equal(
      await view.locator('script', { hasText: 'alert(1)' }).count(),
      0,
      'the <script> name did not become an element',
    );
    assert.equal(
      await view.locator('a[href^="javascript" i], [onerror], [onclick]').count(),
      0,
      'no active link or handler',
    );
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
    assert.match(
      await hover.innerText(),
      /TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384[\s\S]*Grade: recommended[\s\S]*In teams\.pcap: offered in 38 ClientHellos/,
    );
    await page.screenshot({ path: join(RESULTS, 'note-hover.png') });

    await page.mouse.move(0, 0);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const problem = page.locator('.markers-panel .monaco-list-row', { hasText: 'negotiated TLS 1.2, not TLS 1.0' });
    await problem.waitFor({ timeout: 120_000 });
    assert.match(await problem.innerText(), /frames 26, 186, 931/);
    await page
      .locator('.monaco-editor .view-line', { hasText: '≠ teams.pcap: TLS 1.2, frames 26, 186, 931' })
      .waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(RESULTS, 'note-problems.png') });
  });

  it('the analysis view runs under its Content-Security-Policy without a violation (chart, tables, reveal)', async () => {
    // Self-contained: this test opens a fresh view and watches it itself, so it fails alone as well.
    const violations: string[] = [];
    const watch = (message: ConsoleMessage) => {
      if (CSP_VIOLATION.test(message.text())) violations.push(message.text());
    };
    page.on('console', watch);
    try {
      await page.keyboard.press('Escape');
      await closeAllEditors(page);
      await openFromExplorer(page, 'teams.pcap');
      const view = analysisView(page);
      await view.locator('h1', { hasText: /^teams\.pcap$/ }).waitFor({ timeout: 120_000 });
      await view.locator('figure.chart canvas').waitFor({ timeout: 30_000 });
      await view.locator('nav.toc a[href="#section-transport"]').click();
      await view.locator('#section-transport input.table-filter').first().fill('443');
      await page.waitForTimeout(500);
    } finally {
      page.off('console', watch);
    }
    assert.deepEqual(violations, []);
    assert.deepEqual(cspViolations, [], 'and none in the other tests of this run');
  });
});

describe('Teamshark in an untrusted workspace (browser)', function () {
  this.timeout(600_000);
  let server: CodeServer | undefined;
  let workspace = '';
  let closeBrowser: () => Promise<void> = () => Promise.resolve();

  after(async () => {
    await closeBrowser();
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('asks before running tshark, analyses nothing on "Cancel", and analyses after "Analyze"', async function () {
    workspace = workspaceWithCapture(sharedCapture(this, 'teams.pcap'));
    server = await startCodeServer({
      entry: installCodeServer(),
      install: [await packagedExtension()],
      untrusted: true,
    });
    const browser = await openBrowser(server.root);
    closeBrowser = () => browser.context.close();
    const { page } = browser;
    await page.goto(workbenchUrl(server, workspace));
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });

    const log: string[] = [];
    page.on('console', (message) => log.push(message.text()));
    await runQuickOpen(page, 'teams.pcap');
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 60_000 });
    assert.match(await dialog.innerText(), /This workspace is not trusted\. Run tshark on teams\.pcap\?/);
    await page.screenshot({ path: join(RESULTS, 'untrusted-consent.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    const view = analysisView(page);
    await view
      .locator('.status-error')
      .waitFor({ timeout: 60_000 })
      .catch(async (error) => {
        await page.screenshot({ path: join(RESULTS, 'untrusted-cancel-debug.png') });
        const frames = await page.locator('iframe.webview').count();
        const dialogs = await page.locator('.monaco-dialog-box').allInnerTexts();
        throw new Error(
          `${(error as Error).message}\nwebview iframes: ${frames}; dialogs open: ${JSON.stringify(dialogs)}\nconsole:\n${log.join('\n')}`,
        );
      });
    assert.match(await view.locator('.status-error').innerText(), /not analysed: the workspace is not trusted/);
    assert.equal(await view.locator('.verdicts').count(), 0);

    await view.getByRole('button', { name: 'Re-analyze' }).click();
    await dialog.waitFor({ timeout: 30_000 }).catch(async (error) => {
      await page.screenshot({ path: join(RESULTS, 'untrusted-debug.png') });
      throw new Error(
        `${(error as Error).message}\nview: ${await view.locator('body').innerText()}\nconsole:\n${log.join('\n')}`,
      );
    });
    await dialog.getByRole('button', { name: 'Analyze' }).click();
    await view.locator('h1', { hasText: /^teams\.pcap$/ }).waitFor({ timeout: 120_000 });
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

/** Closes every editor; unsaved comparisons are dropped ("Don't Save"), so no dialog blocks the next test. */
async function closeAllEditors(page: Page): Promise<void> {
  await runCommand(page, 'View: Close All Editors');
  const dialog = page.locator('.monaco-dialog-box');
  for (let i = 0; i < 5; i++) {
    if (!(await dialog.isVisible().catch(() => false))) {
      await page.waitForTimeout(500);
      if (!(await dialog.isVisible().catch(() => false))) return;
    }
    await dialog.getByRole('button', { name: "Don't Save" }).click();
  }
}

/** VS Code's own file dialog (code-server has no native one): waits for it to settle, then types the path. */
async function fillFileDialog(page: Page, title: string, path: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor();
  const input = page.locator('.quick-input-widget input').first();
  await page.waitForTimeout(1_000); // the dialog fills in its folder first
  await input.fill(path);
  await page.waitForTimeout(300);
  if ((await input.inputValue()) !== path) await input.fill(path);
  await page.keyboard.press('Enter');
}

async function openFromExplorer(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+Shift+E');
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first().dblclick();
}

function capturesTree(page: Page): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /Captures/i }) });
}

/** The rows below a capture's row in the Captures tree (as rendered), up to the next capture. */
async function treeRowsUnder(
  tree: Locator,
  capture: string,
): Promise<{ level: number; label: string; description: string }[]> {
  await tree.locator('.monaco-list-row[aria-level="1"]', { hasText: capture }).first().waitFor();
  const rows = await tree.locator('.monaco-list-row').evaluateAll((all) =>
    all
      .map((row) => ({
        top: Number.parseFloat((row as HTMLElement).style.top || '0'),
        level: Number(row.getAttribute('aria-level')),
        label: row.querySelector('.label-name')?.textContent?.trim() ?? '',
        description: row.querySelector('.label-description')?.textContent?.trim() ?? '',
      }))
      .sort((a, b) => a.top - b.top),
  );
  const start = rows.findIndex((r) => r.level === 1 && r.label === capture);
  const end = rows.findIndex((r, i) => i > start && r.level === 1);
  return rows
    .slice(start + 1, end < 0 ? undefined : end)
    .map(({ level, label, description }) => ({ level, label, description }));
}

/** Layout of the analysis view's document: its size, and the rows of the cipher-suite table. */
async function measureView(view: FrameLocator): Promise<{
  pageHeight: number;
  scrollWidth: number;
  clientWidth: number;
  tallestSuiteRow: number;
  suiteTableHeight: number;
}> {
  return view.locator('body').evaluate(() => {
    const root = document.scrollingElement ?? document.documentElement;
    const heading = [...document.querySelectorAll('h3')].find((h) => /^Cipher suites/.test(h.textContent ?? ''));
    const tables = [...document.querySelectorAll('table')];
    const suites = heading
      ? tables.find((t) => heading.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)
      : undefined;
    const rows = suites ? [...suites.querySelectorAll('tr')].map((r) => r.getBoundingClientRect().height) : [];
    return {
      pageHeight: root.scrollHeight,
      scrollWidth: root.scrollWidth,
      clientWidth: root.clientWidth,
      tallestSuiteRow: Math.round(Math.max(0, ...rows)),
      suiteTableHeight: Math.round(suites?.getBoundingClientRect().height ?? 0),
    };
  });
}
