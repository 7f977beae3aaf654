import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Who is writing what in a dataset: the staging folders and per-capture claims of running exports, named by their
 * owner, and their removal once the owner is gone (a killed export), so a sync of the dataset (aws s3 sync)
 * never uploads half a partition and a capture is never left claimed.
 */

/** Where exports build a capture's partitions before moving them in: `<capture_id>.<owner>.<uuid>/`; engines skip names starting with _. */
export const STAGING = '_staging';

/** Where an export claims a capture while it analyses it: `<capture_id>`, holding its owner. */
const CLAIMS = '_claims';
/** Tries at a claim or a folder: a dead owner's claim is taken over, a folder emptied by another job made again. */
const ATTEMPTS = 5;
/** What mkdir reports when another job removed a parent folder under it. */
const FOLDER_REMOVED = new Set(['ENOENT', 'ENOTDIR']);

/** This machine, as owner names carry it (letters, digits and -: no dot, which separates the name's parts). */
const HOST = hostname().replace(/[^A-Za-z0-9-]/g, '-');

/** This process as staging folders and claims name it: `<pid>@<host>` (machines may share a dataset). */
export const OWNER = `${process.pid}@${HOST}`;

/** Another machine's leftovers cannot be checked against its processes: they are stale after a day. */
const OTHER_HOST_STALE_MS = 24 * 3600 * 1000;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

/** Whether an owner is gone: a process of this machine that no longer runs, or another machine's after a day. */
async function ownerGone(owner: string, path: string): Promise<boolean> {
  const [pid, host] = owner.split('@');
  if (host === HOST && /^\d+$/.test(pid ?? '')) return !running(Number(pid));
  const modified = (await stat(path).catch(() => undefined))?.mtimeMs;
  return modified !== undefined && Date.now() - modified > OTHER_HOST_STALE_MS;
}

/** Deletes the staging folders and claims whose export is gone; those of running exports stay. */
export async function removeStale(dataset: string): Promise<void> {
  for (const name of await readdir(join(dataset, STAGING)).catch(() => [])) {
    const path = join(dataset, STAGING, name);
    if (await ownerGone(name.split('.')[1] ?? '', path)) await rm(path, { recursive: true, force: true });
  }
  await rmdir(join(dataset, STAGING)).catch(() => undefined);
  for (const id of await readdir(join(dataset, CLAIMS)).catch(() => [])) {
    const path = join(dataset, CLAIMS, id);
    const owner = await readFile(path, 'utf8').catch(() => '');
    if (owner && (await ownerGone(owner, path))) await rm(path, { force: true });
  }
  await rmdir(join(dataset, CLAIMS)).catch(() => undefined);
}

/**
 * Claims a capture for this export (a file created only if absent): two exports into one dataset analyse each
 * capture once. False when another export holds it; a claim whose owner is gone is taken over.
 */
export async function claimCapture(dataset: string, id: string): Promise<boolean> {
  const folder = join(dataset, CLAIMS);
  const path = join(folder, id);
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    try {
      await makeFolder(folder);
      await writeFile(path, OWNER, { flag: 'wx' });
      return true;
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      // Another job released the last claim and removed the emptied folder between the two calls: again.
      if (code === 'ENOENT' && attempt < ATTEMPTS - 1) continue;
      if (code !== 'EEXIST') throw error;
      const owner = await readFile(path, 'utf8').catch(() => '');
      // An owner still writing its name reads as empty: it is alive.
      if (!owner || !(await ownerGone(owner, path))) return false;
      await rm(path, { force: true });
    }
  }
  return false;
}

/**
 * `mkdir -p` for a folder under _staging/ or _claims/, which other jobs remove once they leave them empty: one
 * removed between its creation and its child's is made again. Node reports that race as ENOENT or, when the parent
 * vanished between its EEXIST and the check that it is a folder, as ENOTDIR (seen 18 times in 12,000 tries).
 */
export async function makeFolder(path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await mkdir(path, { recursive: true });
      return;
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      if (!FOLDER_REMOVED.has(code ?? '') || attempt === ATTEMPTS) throw error;
    }
  }
}

/** Gives the capture's claim up, once its partitions are in place (or its analysis failed). */
export async function releaseCapture(dataset: string, id: string): Promise<void> {
  await rm(join(dataset, CLAIMS, id), { force: true });
  await rmdir(join(dataset, CLAIMS)).catch(() => undefined); // only when empty: other exports may hold claims
}
