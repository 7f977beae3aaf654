import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { TeamsharkError } from '../util/errors.js';
import type { CaptureLocator } from './tools/tool.js';

/**
 * The folders an agent may read captures from. A path is taken relative to the first root, resolved to its
 * real path (so neither `..` nor a symbolic link leads out) and must then lie inside one of the roots.
 */
export class CaptureRoots implements CaptureLocator {
  private constructor(readonly folders: readonly string[]) {}

  /** The roots, each a folder that exists; the working directory when none is given. */
  static async of(folders: readonly string[]): Promise<CaptureRoots> {
    const real: string[] = [];
    for (const folder of folders.length ? folders : [process.cwd()]) {
      const path = await realpath(folder).catch(() => {
        throw new TeamsharkError('capture-not-found', `--root ${folder}: no such folder`);
      });
      if (!(await stat(path)).isDirectory()) throw new TeamsharkError('not-a-file', `--root ${folder} is not a folder`);
      real.push(path);
    }
    return new CaptureRoots(real);
  }

  /** The real path of a capture file inside the roots, or a one-line error that says why not. */
  async capture(path: string | undefined): Promise<string> {
    if (!path) throw new TeamsharkError('capture-not-found', 'no capture given');
    const real = await this.inside(path);
    if (!(await stat(real)).isFile()) throw new TeamsharkError('not-a-file', `${path} is not a file`);
    return real;
  }

  /** The real path of a dataset folder inside the roots. */
  async dataset(path: string): Promise<string> {
    const real = await this.inside(path);
    if (!(await stat(real)).isDirectory()) throw new TeamsharkError('not-a-dataset', `${path} is not a folder`);
    return real;
  }

  private async inside(path: string): Promise<string> {
    const given = isAbsolute(path) ? path : resolve(this.folders[0]!, path);
    const real = await realpath(given).catch(() => {
      throw new TeamsharkError('capture-not-found', `${path}: no such file under the server's roots`);
    });
    if (!this.folders.some((root) => inside(root, real)))
      throw new TeamsharkError('outside-roots', `${path} is outside the folders this server may read`);
    return real;
  }

  /** How an agent should name a capture: relative to the first root when inside it. */
  display(real: string): string {
    const root = this.folders[0]!;
    return inside(root, real) ? relative(root, real) : real;
  }
}

function inside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}
