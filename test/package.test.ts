import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { sharedCapture, temporaryFolder } from './helpers.js';

const REPO = new URL('../..', import.meta.url).pathname;

describe('npm package: what `npm pack` ships installs anywhere and runs', function () {
  const folder = temporaryFolder('package');

  it('builds out/ before packing (prepare), from the sources alone', async function () {
    const manifest = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      bin: Record<string, string>;
    };
    assert.match(manifest.scripts.prepare ?? '', /gen-schema-types\.mjs && tsc -p \./);
    assert.equal(manifest.bin.teamshark, 'out/core/cli.js');
  });

  it('packs the compiled CLI only, installs into an empty prefix and analyses teams.pcap', async function () {
    this.timeout(5 * 60_000);
    const capture = sharedCapture(this, 'teams.pcap');
    // The test run has built out/ already: pack it as prepare left it.
    const pack = await execa('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', folder()], {
      cwd: REPO,
    });
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((f) => f.path);
    assert.ok(files.includes('out/core/cli.js') && files.includes('out/package.json'), files.join(' '));
    assert.deepEqual(files.filter((f) => !f.startsWith('out/core/')).sort(), [
      'LICENSE',
      'README.md',
      'docs/dataset.md',
      'out/package.json',
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
