// Writes TypeScript types and precompiled validators for the JSON Schemas in core/schema/ and core/knowledge/:
// the schema is the one source, the validators check data against it at run time and the types follow it at
// compile time. The validators are ajv's standalone code, compiled here by the project's one Ajv instance:
// compiling the report schema at run time cost ≈0.4 s (again in the extension, on its first cached report).
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { compile } from 'json-schema-to-typescript';

const root = new URL('../', import.meta.url);
const outDir = new URL('core/schema/generated/', root);
await mkdir(outDir, { recursive: true });
const schemas = [
  ['core/schema', 'ek-record', 'validateEkRecord'],
  ['core/schema', 'report', 'validateReport'],
  ['core/knowledge', 'services', 'validateServiceCatalog'],
  ['core/knowledge', 'ranges', 'validateRanges'],
  ['core/knowledge', 'azure-ranges', 'validateAzureRanges'],
  ['core/knowledge', 'tls-cipher-suites', 'validateCipherSuiteRegistry'],
  ['core/knowledge', 'dns-resolvers', 'validateDnsResolvers'],
  ['core/schema', 'sample-truth', 'validateSampleTruth'],
];
const ajv = new Ajv({ allErrors: false, strict: true, code: { source: true, esm: true } });
ajvFormats.default(ajv);
for (const [dir, name, validator] of schemas) {
  const schema = JSON.parse(await readFile(new URL(`${dir}/${name}.schema.json`, root), 'utf8'));
  ajv.addSchema(schema, validator);
  if (name === 'dns-resolvers') continue; // its type is the data file's own (typeof resolversJson)
  const ts = await compile(schema, schema.title, {
    bannerComment: `/* Generated from ${dir}/${name}.schema.json by scripts/gen-schema-types.mjs: edit the schema, not this file. */`,
    additionalProperties: false,
    unreachableDefinitions: true,
    style: { singleQuote: true },
  });
  await writeFile(new URL(`${name}.ts`, outDir), ts);
}

// ajv writes require() for its runtime helpers and the formats; the core is ESM, so they become imports. The
// report's validator (most of the code) is a module of its own: only a saved report's reader needs it, and
// loading it cost every analysis ≈ 25 ms.
async function writeValidators(file, validators) {
  const dependencies = new Map();
  const code = standaloneCode
    .default(ajv, Object.fromEntries(validators.map((validator) => [validator, validator])))
    .replace(/require\("([^"]+)"\)/g, (_, module) => {
      if (!dependencies.has(module)) dependencies.set(module, `dependency${dependencies.size}`);
      return dependencies.get(module);
    });
  const imports = [...dependencies].map(([module, name]) => `import ${name} from '${module}.js';`).join('\n');
  await writeFile(
    new URL(file, outDir),
    `/* Generated from the JSON Schemas by scripts/gen-schema-types.mjs (ajv standalone code): edit the schemas, not this file. */\n// @ts-nocheck\n/* eslint-disable */\n${imports}\n${code.replace(/^"use strict";/, '')}\n`,
  );
}
const validators = schemas.map(([, , validator]) => validator);
await writeValidators(
  'validators.ts',
  validators.filter((validator) => validator !== 'validateReport'),
);
await writeValidators('report-validator.ts', ['validateReport']);
