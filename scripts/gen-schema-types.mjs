// Writes TypeScript types for the JSON Schemas in core/schema/ and core/knowledge/: the schema is the one
// source, ajv validates against it at run time and these types follow it at compile time.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const root = new URL('../', import.meta.url);
const outDir = new URL('core/schema/generated/', root);
await mkdir(outDir, { recursive: true });
for (const [dir, name] of [['core/schema', 'ek-record'], ['core/schema', 'report'], ['core/knowledge', 'services'], ['core/knowledge', 'ranges'], ['core/knowledge', 'azure-ranges'], ['core/knowledge', 'tls-cipher-suites'], ['core/schema', 'sample-truth']]) {
  const schema = JSON.parse(await readFile(new URL(`${dir}/${name}.schema.json`, root), 'utf8'));
  const ts = await compile(schema, schema.title, {
    bannerComment: `/* Generated from ${dir}/${name}.schema.json by scripts/gen-schema-types.mjs: edit the schema, not this file. */`,
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true },
  });
  await writeFile(new URL(`${name}.ts`, outDir), ts);
}
