import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaptureRoots } from '../../core/mcp/capture-roots.js';
import { TeamsharkError } from '../../core/util/errors.js';

describe('mcp/capture-roots: the folders the MCP server may read captures from', () => {
  let folder = '';
  let root = '';
  let outside = '';

  before(async () => {
    folder = await realpath(await mkdtemp(join(tmpdir(), 'teamshark-roots-')));
    root = join(folder, 'root');
    outside = join(folder, 'outside');
    await mkdir(join(root, 'calls'), { recursive: true });
    await mkdir(outside);
    await mkdir(`${root}-more`);
    await writeFile(join(`${root}-more`, 'beside.pcapng'), 'a sibling whose name starts like the root');
    await writeFile(join(root, 'calls', 'call.pcapng'), 'capture');
    await writeFile(join(root, 'top.pcapng'), 'capture');
    await writeFile(join(outside, 'secret.pcapng'), 'not for agents');
    await symlink(join(outside, 'secret.pcapng'), join(root, 'secret-link.pcapng'));
    await symlink(outside, join(root, 'outside-link'));
    await symlink(join(root, 'calls', 'call.pcapng'), join(root, 'call-link.pcapng'));
  });
  after(() => rm(folder, { recursive: true, force: true }));

  async function refusal(roots: CaptureRoots, path: string): Promise<TeamsharkError> {
    const error = await roots.capture(path).then(
      () => assert.fail(`${path} should have been refused`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof TeamsharkError, String(error));
    return error;
  }

  it('refuses a symbolic link inside a root that leads out of it, to a file or through a folder', async () => {
    const roots = await CaptureRoots.of([root]);
    for (const path of ['secret-link.pcapng', 'outside-link/secret.pcapng', join(root, 'secret-link.pcapng')])
      assert.equal((await refusal(roots, path)).code, 'outside-roots', path);
  });

  it('refuses `..` out of a root, and reads a link that stays inside as the file it names', async () => {
    const roots = await CaptureRoots.of([root]);
    assert.equal((await refusal(roots, '../outside/secret.pcapng')).code, 'outside-roots');
    assert.equal((await refusal(roots, 'calls/../../outside/secret.pcapng')).code, 'outside-roots');
    assert.equal((await refusal(roots, join(`${root}-more`, 'beside.pcapng'))).code, 'outside-roots');
    assert.equal(await roots.capture('call-link.pcapng'), join(root, 'calls', 'call.pcapng'));
    assert.equal(roots.display(await roots.capture('calls/call.pcapng')), join('calls', 'call.pcapng'));
  });

  it('a capture under a second root is read by its absolute path', async () => {
    const roots = await CaptureRoots.of([root, outside]);
    assert.equal(await roots.capture(join(outside, 'secret.pcapng')), join(outside, 'secret.pcapng'));
    assert.equal(await roots.capture('secret-link.pcapng'), join(outside, 'secret.pcapng'));
  });

  it('without --root, the working directory is the only root', async () => {
    const cwd = process.cwd();
    process.chdir(join(root, 'calls'));
    try {
      const roots = await CaptureRoots.of([]);
      assert.deepEqual(roots.folders, [join(root, 'calls')]);
      assert.equal(await roots.capture('call.pcapng'), join(root, 'calls', 'call.pcapng'));
      assert.equal((await refusal(roots, '../top.pcapng')).code, 'outside-roots');
    } finally {
      process.chdir(cwd);
    }
  });

  it('a root that is missing or a file is refused when the server starts', async () => {
    await assert.rejects(CaptureRoots.of([join(folder, 'nowhere')]), /--root .*nowhere: no such folder/);
    await assert.rejects(CaptureRoots.of([join(outside, 'secret.pcapng')]), /is not a folder/);
  });
});
