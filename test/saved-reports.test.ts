import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { SavedReports } from '../core/cache/saved-reports.js';
import { CLI, analysisPasses, countingTshark, parseReport, sharedCapture, temporaryFolder } from './helpers.js';

describe('saved reports: `teamshark analyze` of one capture file reads its report from the cache while nothing it depends on changed', function () {
  const folder = temporaryFolder('saved-reports');
  let tshark: Awaited<ReturnType<typeof countingTshark>>;
  let capture = '';
  let cacheNumber = 0;

  beforeEach(async function () {
    tshark = await countingTshark(folder());
    // A copy: the tests touch it.
    capture = join(folder(), 'dns.pcap');
    await copyFile(sharedCapture(this, 'dns.pcap'), capture);
  });

  /** An analyze of `args` with the counting tshark; each test has its own cache folder unless it shares one. */
  const cacheFolder = () => join(folder(), `cache-${cacheNumber}`);
  beforeEach(() => cacheNumber++);
  async function analyze(
    args: string[],
    options: { cwd?: string; input?: string; cache?: string; env?: Record<string, string> } = {},
  ) {
    const result = await execa(process.execPath, [CLI, 'analyze', ...args, '--tshark', tshark.path], {
      env: { TEAMSHARK_CACHE_DIR: options.cache ?? cacheFolder(), ...options.env },
      cwd: options.cwd,
      reject: false,
      ...(options.input ? { inputFile: options.input } : { stdin: 'ignore' as const }),
    });
    assert.equal(result.exitCode, 0, result.stderr);
    return result.stdout;
  }
  const entries = async () => (await readdir(join(cacheFolder(), 'reports')).catch(() => [])).sort();

  it('a second analyze runs no tshark pass and prints the same bytes, in every format; --no-cache analyses again', async function () {
    const markdown = await analyze([capture]);
    assert.equal(analysisPasses(await tshark.runs()), 1);
    assert.equal(await analyze([capture]), markdown, 'Markdown from the saved report differs');
    const json = await analyze([capture, '--format', 'json']);
    assert.equal(await analyze([capture, '--format', 'json']), json, 'JSON from the saved report differs');
    assert.equal(analysisPasses(await tshark.runs()), 1, 'the saved report did not answer');
    assert.ok(parseReport(json).capture.packets > 0);
    assert.equal((await entries()).length, 1, 'one entry for one capture');

    assert.equal(await analyze([capture, '--no-cache']), markdown);
    assert.equal(analysisPasses(await tshark.runs()), 2, '--no-cache did not analyse');
  });

  it('the same file named by another path is served too, and named as given', async function () {
    const json = await analyze([capture, '--format', 'json']);
    const relative = parseReport(await analyze(['dns.pcap', '--format', 'json'], { cwd: folder() }));
    assert.equal(analysisPasses(await tshark.runs()), 1);
    assert.equal(relative.capture.file, 'dns.pcap');
    assert.deepEqual({ ...relative, capture: { ...relative.capture, file: capture } }, parseReport(json));
  });

  it('rewriting or touching the capture, or changing a decode-as rule, the workers or the key log, analyses again', async function () {
    const fixed = new Date('2026-01-01T00:00:00Z');
    await utimes(capture, fixed, fixed);
    await analyze([capture]);
    // Rewritten to the same size, its modification time set back to the same millisecond: the change time tells.
    const bytes = await readFile(capture);
    bytes[bytes.length - 1]! ^= 1;
    await writeFile(capture, bytes);
    await utimes(capture, fixed, fixed);
    await analyze([capture]);
    assert.equal(analysisPasses(await tshark.runs()), 2, 'a rewritten capture was served from the cache');
    const later = new Date(Date.now() + 60_000);
    await utimes(capture, later, later);
    await analyze([capture]);
    assert.equal(analysisPasses(await tshark.runs()), 3, 'a touched capture was served from the cache');
    await analyze([capture, '--decode-as', 'udp.port==9999,rtp']);
    assert.equal(analysisPasses(await tshark.runs()), 4, 'another decode-as rule was served from the cache');
    await analyze([capture, '--workers', '7']);
    assert.equal(analysisPasses(await tshark.runs()), 5, 'other workers were served from the cache');
    await analyze([capture, '--decode-as', 'udp.port==9999,rtp']);
    assert.equal(analysisPasses(await tshark.runs()), 5, 'the decode-as rule has its own entry');
    const keylog = join(folder(), 'keys.txt');
    await writeFile(keylog, '');
    await analyze([capture, '--keylog', keylog]);
    await analyze([capture, '--keylog', keylog]);
    assert.equal(analysisPasses(await tshark.runs()), 6, 'a key log is an option of its own, served the second time');
    await writeFile(keylog, 'CLIENT_RANDOM 00 00\n');
    await analyze([capture, '--keylog', keylog]);
    assert.equal(analysisPasses(await tshark.runs()), 7, 'a changed key log was served from the cache');
  });

  it('a Wireshark preferences file or a personal plugin tshark would load analyses again', async function () {
    const home = join(folder(), `home-${cacheNumber}`);
    const env = { HOME: home, XDG_CONFIG_HOME: '', WIRESHARK_CONFIG_DIR: '' };
    await analyze([capture], { env });
    await mkdir(join(home, '.config', 'wireshark'), { recursive: true });
    await writeFile(join(home, '.config', 'wireshark', 'preferences'), '# no preference changed\n');
    await analyze([capture], { env });
    assert.equal(analysisPasses(await tshark.runs()), 2, 'a new preferences file was served from the cache');
    const plugins = join(home, '.local', 'lib', 'wireshark', 'plugins', 'lua');
    await mkdir(plugins, { recursive: true });
    await writeFile(join(plugins, 'nothing.lua'), '-- dissects nothing\n');
    await analyze([capture], { env });
    assert.equal(analysisPasses(await tshark.runs()), 3, 'a new plugin was served from the cache');
    await analyze([capture], { env });
    assert.equal(analysisPasses(await tshark.runs()), 3);
  });

  it('an entry cut short, not a report, or under another key is a miss, and is replaced', async function () {
    const json = await analyze([capture, '--format', 'json']);
    const [name] = await entries();
    const entry = join(cacheFolder(), 'reports', name!);
    const [keyLine, reportLine] = (await readFile(entry, 'utf8')).split('\n');
    const { schemaVersion: _dropped, ...withoutVersion } = JSON.parse(reportLine!) as Record<string, unknown>;
    const corruptions = [
      `${keyLine}\n${reportLine!.slice(0, reportLine!.length / 2)}`,
      `${keyLine}\n${JSON.stringify(withoutVersion)}\n`,
      `"another key"\n${reportLine}\n`,
    ];
    for (const [i, corrupted] of corruptions.entries()) {
      await writeFile(entry, corrupted);
      assert.equal(await analyze([capture, '--format', 'json']), json);
      assert.equal(analysisPasses(await tshark.runs()), 2 + i, `corruption ${i} was served`);
      assert.equal(await readFile(entry, 'utf8'), `${keyLine}\n${reportLine}\n`, `corruption ${i} was not replaced`);
    }
  });

  it('standard input is never saved; a cache folder that cannot be written costs the saving, not the analysis', async function () {
    const markdown = await analyze(['-'], { input: capture });
    assert.match(markdown, /standard input/);
    assert.deepEqual(await entries(), []);

    const blocker = join(folder(), 'not-a-folder');
    await writeFile(blocker, '');
    const blocked = await analyze([capture], { cache: join(blocker, 'cache') });
    assert.equal(await analyze([capture], { cache: join(blocker, 'cache') }), blocked);
    assert.equal(analysisPasses(await tshark.runs()), 3);
  });
});

describe('saved reports: bounded, the least recently used deleted first', function () {
  const folder = temporaryFolder('saved-reports-bounds');
  const report = () => readFile(join(folder(), 'report.json'), 'utf8').then((text) => parseReport(text));

  before(async function () {
    const { stdout } = await execa(process.execPath, [
      CLI,
      'analyze',
      sharedCapture(this, 'dns.pcap'),
      '--format',
      'json',
      '--no-cache',
    ]);
    await writeFile(join(folder(), 'report.json'), stdout);
  });

  /** Saves each key, each used a second after the one before (modification times, as reads set them). */
  async function saveInTurn(saved: SavedReports, cache: string, keys: string[]) {
    for (const [i, key] of keys.entries()) {
      await saved.write(key, await report());
      const used = new Date(Date.now() - (keys.length - i) * 1000);
      for (const name of await readdir(cache))
        if ((await readFile(join(cache, name), 'utf8')).startsWith(JSON.stringify(key)))
          await utimes(join(cache, name), used, used);
    }
  }

  it('keeps at most its number of entries: a read makes an entry the most recently used', async function () {
    const cache = join(folder(), 'by-count');
    const saved = new SavedReports(cache, { entries: 2, bytes: 1e9 });
    await saveInTurn(saved, cache, ['a', 'b']);
    assert.ok(await saved.read('a'));
    await saved.write('c', await report());
    assert.deepEqual(
      [Boolean(await saved.read('a')), await saved.read('b'), Boolean(await saved.read('c'))],
      [true, undefined, true],
    );
    assert.equal((await readdir(cache)).length, 2);
  });

  it('keeps at most its bytes', async function () {
    const cache = join(folder(), 'by-bytes');
    const probe = join(folder(), 'probe');
    await new SavedReports(probe).write('x', await report());
    const [entry] = await readdir(probe);
    const entryBytes = (await readFile(join(probe, entry!))).length;
    const saved = new SavedReports(cache, { entries: 100, bytes: entryBytes * 2.5 });
    await saveInTurn(saved, cache, ['a', 'b', 'c']);
    assert.deepEqual(
      [await saved.read('a'), Boolean(await saved.read('b')), Boolean(await saved.read('c'))],
      [undefined, true, true],
    );
  });
});
