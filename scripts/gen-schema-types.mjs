// Writes TypeScript types for the JSON Schemas in core/schema/: the schema is the one source, ajv
// validates against it at run time and these types follow it at compile time.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

const schemaDir = new URL('../core/schema/', import.meta.url);
const outDir = new URL('generated/', schemaDir);
await mkdir(outDir, { recursive: true });
for (const name of ['ek-record', 'report']) {
  const schema = JSON.parse(await readFile(new URL(`${name}.schema.json`, schemaDir), 'utf8'));
  const ts = await compile(schema, schema.title, {
    bannerComment: `/* Generated from core/schema/${name}.schema.json by scripts/gen-schema-types.mjs: edit the schema, not this file. */`,
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true },
  });
  await writeFile(new URL(`${name}.ts`, outDir), ts);
}
