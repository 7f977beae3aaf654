import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The extension tests' entry point, as VS Code (desktop or code-server) loads it: runs every bundled
 * *.test.cjs beside this file in the real extension host.
 */
export function run(): Promise<void> {
  // TEAMSHARK_SUITE_GREP (passed through code-server's environment) runs only the matching tests.
  const mocha = new Mocha({
    ui: 'bdd',
    timeout: 120_000,
    color: false,
    reporter: 'spec',
    grep: process.env.TEAMSHARK_SUITE_GREP || undefined,
  });
  for (const file of readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.cjs'))
    .sort())
    mocha.addFile(join(__dirname, file));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} extension test(s) failed`)) : resolve()));
  });
}
