import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cp, realpath, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { sharedCapture, temporaryFolder } from './helpers.js';

const REPO = new URL('../..', import.meta.url).pathname;

describe('npm package: what `npm pack` ships installs anywhere and runs', function () {
  const folder = temporaryFolder('package');

  it('installs from a clean copy of the sources with `npm install -g .`: prepare builds the CLI', async function () {
    this.timeout(4 * 60_000);
    const capture = sharedCapture(this, 'teams.pcap');
    // What a fresh clone holds: the tracked files (as they are in this checkout), no out/ or dist/, no generated types.
    const clone = join(folder(), 'clone');
    const tracked = (await execa('git', ['ls-files', '-z'], { cwd: REPO })).stdout.split('\0').filter(Boolean);
    for (const file of tracked.filter((f) => existsSync(join(REPO, f))))
      await cp(join(REPO, file), join(clone, file), { recursive: true });
    assert.ok(!existsSync(join(clone, 'out')) && !existsSync(join(clone, 'dist')));
    // The devDependencies `npm install` would have put there (TypeScript and esbuild for prepare).
    await symlink(await realpath(join(REPO, 'node_modules')), join(clone, 'node_modules'));
    const prefix = join(folder(), 'linked');
    await execa('npm', ['install', '--global', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, '.'], {
      cwd: clone,
    });
    const analysis = await execa(join(prefix, 'bin', 'teamshark'), ['analyze', capture], { reject: false });
    assert.equal(analysis.exitCode, 0, analysis.stderr);
    assert.match(analysis.stdout, /^# Teamshark report: /);
  });

  it('packs the bundled CLI only, installs into an empty prefix and analyses teams.pcap', async function () {
    this.timeout(5 * 60_000);
    const capture = sharedCapture(this, 'teams.pcap');
    // The test run has built dist/cli already: pack it as prepare left it.
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', folder()], {
      cwd: REPO,
    });
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    assert.ok(files.includes('dist/cli/teamshark.mjs'), files.join(' '));
    assert.deepEqual(files.filter((f) => !f.startsWith('dist/cli/')).sort(), [
      'LICENSE',
      'README.md',
      'docs/dataset.md',
      'package.json',
    ]);
    assert.ok(!files.some((f) => f.endsWith('.ts') || f.endsWith('.map')));
    const prefix = join(folder(), 'prefix');
    await execa('npm', [
      'install',
      '--global',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--prefix',
      prefix,
      join(folder(), packed!.filename),
    ]);
    const teamshark = join(prefix, 'bin', 'teamshark');
    const analysis = await execa(teamshark, ['analyze', capture], { cwd: folder(), reject: false });
    assert.equal(analysis.exitCode, 0, analysis.stderr);
    assert.match(analysis.stdout, /^# Teamshark report: /);
    // The dataset commands load DuckDB, a dependency of their own.
    const dataset = join(folder(), 'ds');
    await execa(teamshark, ['export', capture, '--out', dataset], { cwd: folder() });
    const query = await execa(teamshark, ['query', dataset, 'SELECT count(*) AS n FROM captures', '--format', 'json']);
    assert.deepEqual(JSON.parse(query.stdout), [{ n: 1 }]);
  });
});
