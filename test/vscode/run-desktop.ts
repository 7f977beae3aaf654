import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { REPO } from './code-server.js';

/**
 * `npm run test:desktop`: the same extension suite in VS Code desktop, for machines that can download it
 * (@vscode/test-electron fetches a build). Here, offline, `npm test` runs the suite in code-server instead.
 */
try {
  await runTests({
    extensionDevelopmentPath: REPO,
    extensionTestsPath: join(REPO, 'dist/test/suite/index.cjs'),
    launchArgs: [
      mkdtempSync(join(tmpdir(), 'teamshark-workspace-')),
      '--disable-workspace-trust',
      '--disable-extensions',
    ],
  });
} catch (error) {
  console.error(`teamshark: the desktop extension tests failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
