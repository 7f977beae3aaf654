import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/**
 * A real VS Code for tests on a machine that cannot download one: code-server 4.100.3 (VS Code 1.100.3,
 * installed from npm by scripts/install-code-server.sh) driven by playwright-core in Debian's chromium.
 * Every run gets private HOME/XDG folders, user data and extensions folders, and a free port.
 */
export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CHROMIUM = process.env.TEAMSHARK_CHROMIUM ?? '/usr/bin/chromium';

export interface CodeServer {
  port: number;
  url: string;
  root: string;
  extensionsDir: string;
  stop(): Promise<void>;
}

/** Installs code-server (cached) and chromium when missing; returns code-server's entry script. */
export function installCodeServer(): string {
  const prefix = execFileSync('bash', [join(REPO, 'scripts/install-code-server.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 900_000,
  })
    .trim()
    .split('\n')
    .pop()!;
  return join(prefix, 'node_modules/code-server/out/node/entry.js');
}

/** By default every folder is trusted; with `untrusted` folders open in restricted mode. */
export async function startCodeServer(options: {
  entry: string;
  install?: string[];
  untrusted?: boolean;
  /** Variables for the server and its extension host (TEAMSHARK_SUITE_GREP picks the extension tests to run). */
  env?: Record<string, string>;
}): Promise<CodeServer> {
  const root = mkdtempSync(join(tmpdir(), 'teamshark-code-server-'));
  const home = join(root, 'home');
  const userData = join(root, 'user-data');
  const extensionsDir = join(root, 'extensions');
  for (const dir of [home, join(userData, 'User'), extensionsDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': options.untrusted === true,
      // Restricted mode without the startup dialog: the folder is simply not trusted.
      'security.workspace.trust.startupPrompt': 'never',
    }),
  );
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    ...options.env,
  };
  const common = ['--user-data-dir', userData, '--extensions-dir', extensionsDir];
  for (const vsix of options.install ?? [])
    execFileSync(process.execPath, [options.entry, ...common, '--install-extension', vsix], {
      env,
      stdio: 'pipe',
      timeout: 120_000,
    });

  const port = await freePort();
  const server: ChildProcess = spawn(
    process.execPath,
    [
      options.entry,
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--auth',
      'none',
      '--disable-telemetry',
      '--disable-update-check',
      ...(options.untrusted ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      ...common,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(
      `code-server on port ${port}`,
      async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true,
      60_000,
      () => server.exitCode === null,
    );
  } catch (error) {
    server.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${output}`, { cause: error });
  }
  return {
    port,
    url,
    root,
    extensionsDir,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
        if (server.exitCode === null) server.kill('SIGKILL');
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium through playwright-core, with a private profile. */
export async function openBrowser(root: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(join(root, 'chromium'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** The workbench URL that opens `folder` and, with `tests`, runs extension tests in the Node extension host. */
export function workbenchUrl(server: CodeServer, folder: string, tests?: { extension: string; suite: string }): string {
  const remote = (path: string) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const query = new URLSearchParams({ folder });
  if (tests) {
    query.set(
      'payload',
      JSON.stringify([
        ['extensionDevelopmentPath', remote(tests.extension)],
        ['extensionTestsPath', remote(tests.suite)],
      ]),
    );
  }
  return `${server.url}/?${query.toString()}`;
}

export async function waitFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  timeoutMs: number,
  stillAlive: () => boolean = () => true,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (!stillAlive()) throw new Error(`${what}: the process ended`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}
