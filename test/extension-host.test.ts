import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import {
  installCodeServer,
  openBrowser,
  REPO,
  startCodeServer,
  workbenchUrl,
  type CodeServer,
} from './vscode/code-server.js';

/**
 * Runs the extension's own test suite (test/vscode/suite, bundled into dist/test/suite) inside the real
 * Node extension host of VS Code 1.100 (code-server), the way the workbench runs extension tests: it reads
 * extensionDevelopmentPath and extensionTestsPath from the page URL and reports the exit code.
 */
describe('the extension in a real VS Code extension host (code-server)', function () {
  this.timeout(600_000);
  const host = suiteHost({});

  it('passes the extension test suite (activation, analysis, tree, cancel, settings scope, corrupt capture, notes)', async () => {
    await runSuite(host());
  });
});

/** The same suite's untrusted-workspace tests (they skip themselves in a trusted one), in a folder not trusted. */
describe('the extension in a real VS Code extension host, in an untrusted workspace', function () {
  this.timeout(600_000);
  const host = suiteHost({ untrusted: true, env: { TEAMSHARK_SUITE_GREP: 'in an untrusted workspace' } });

  it('passes the untrusted-workspace tests (the language-model tools refuse)', async () => {
    await runSuite(host(), { noneSkipped: true });
  });
});

/** A code-server and an empty workspace folder for one describe(), stopped and removed after it. */
function suiteHost(options: { untrusted?: boolean; env?: Record<string, string> }) {
  let server: CodeServer | undefined;
  let workspace = '';
  before(async function () {
    server = await startCodeServer({ entry: installCodeServer(), ...options });
    workspace = mkdtempSync(join(tmpdir(), 'teamshark-workspace-'));
  });
  after(async () => {
    await server?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });
  return () => ({ server: server!, workspace });
}

/**
 * Runs the suite in the host and requires a mocha summary with tests passed and none failed; with `noneSkipped`,
 * also none skipped (the untrusted-workspace tests skip themselves in a trusted one, where they prove nothing).
 */
async function runSuite(
  { server, workspace }: { server: CodeServer; workspace: string },
  { noneSkipped = false } = {},
): Promise<void> {
  const { context, page } = await openBrowser(server.root);
  const log: string[] = [];
  try {
    const exitCode = new Promise<number>((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code));
    });
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      log.push(`${type}: ${format(...args)}`); // the host's console calls, format string first
    });
    await page.goto(
      workbenchUrl(server, workspace, { extension: REPO, suite: join(REPO, 'dist/test/suite/index.cjs') }),
    );
    // Unref'd: a pending 9-minute timer would keep mocha from exiting for 9 minutes after the last test.
    const deadline = new Promise<number>((_, reject) =>
      setTimeout(() => reject(new Error(`the extension tests did not finish:\n${log.join('\n')}`)), 540_000).unref(),
    );
    const code = await Promise.race([exitCode, deadline]);
    // Mocha's results, and the measurements tests log as "measured: …".
    const results = log
      .map((line) => line.replace(/^\w+: /, ''))
      .filter((line) => /^\s*(✔|✓|\d+\) |measured: )|\d+ (passing|failing|pending)/.test(line));
    assert.equal(code, 0, `extension tests failed:\n${log.join('\n')}`);
    const count = (what: string) =>
      Number(results.map((line) => new RegExp(`(\\d+) ${what}`).exec(line)?.[1]).find(Boolean) ?? 0);
    assert.ok(count('passing') > 0, `no test passed (the suite ran nothing, or skipped all):\n${log.join('\n')}`);
    assert.equal(count('failing'), 0, results.join('\n'));
    if (noneSkipped) assert.equal(count('pending'), 0, `tests skipped themselves:\n${results.join('\n')}`);
    console.log(results.map((line) => `      ${line}`).join('\n'));
  } finally {
    await context.close();
  }
}
