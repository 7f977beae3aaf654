import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * One of Teamshark's cache folders (`tshark-facts`, `reports`): under $TEAMSHARK_CACHE_DIR, else under the XDG
 * cache folder (~/.cache/teamshark). Everything in them can be deleted at any time: it is asked or analysed again.
 */
export function cacheFolder(part: string, env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.TEAMSHARK_CACHE_DIR || join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'teamshark');
  return join(base, part);
}
