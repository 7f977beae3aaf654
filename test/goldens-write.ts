// `npm run goldens`: rewrites test/golden/ from this build. Review the diff (`git diff test/golden`) and commit it
// with the change that caused it.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { locateTshark } from '../core/tshark/locate.js';
import { TSHARK_VERSION_FILE, goldenCases, goldenFile, goldenMarkdown, goldenNames, goldenReport } from './goldens.js';

const cases = goldenCases();
if (!cases.some(({ source }) => 'capture' in source)) {
  console.error('goldens: no capture in ../shared/captures: the goldens are written from the shared captures');
  process.exit(1);
}
let changed = 0;
for (const goldenCase of cases) {
  const text = goldenMarkdown(goldenCase, await goldenReport(goldenCase));
  const file = goldenFile(goldenCase.name);
  const before = await readFile(file, 'utf8').catch(() => undefined);
  if (before === text) continue;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
  changed += 1;
  console.log(`${before === undefined ? 'new' : 'changed'}: ${goldenCase.name}`);
}
const current = new Set(cases.map(({ name }) => name));
for (const name of goldenNames().filter((name) => !current.has(name))) {
  await rm(goldenFile(name));
  console.log(`removed: ${name} (no such capture or scenario)`);
}
await writeFile(TSHARK_VERSION_FILE, `${(await locateTshark()).version}\n`);
console.log(`goldens: ${cases.length} reports, ${changed} written`);
