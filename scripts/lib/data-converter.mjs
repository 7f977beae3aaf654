// Plumbing shared by the scripts that convert public data into core/knowledge/*.json, so that they behave alike: the
// same command line (one input file, --out FILE), the result checked against its JSON schema and written whole or not
// at all, and errors as one line on stderr with exit code 1 (files) or 2 (command line). Each script keeps its data's part.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { Ajv } from 'ajv';

/** A problem with the input or output files: one line on stderr, exit code 1. */
export class InputError extends Error {}
/** A wrong command line: one line on stderr, exit code 2. */
export class UsageError extends Error {}

/** One input file, --out FILE (defaultOut without it) and the script's own options: { input, out, ...values }. */
export function parseCommandLine(argv, { usage, defaultOut, options }) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' }, ...options } });
  } catch (error) {
    throw new UsageError(`${error.message} (${usage})`);
  }
  if (parsed.positionals.length !== 1) throw new UsageError(usage);
  const { out = defaultOut, ...values } = parsed.values;
  return { input: parsed.positionals[0], out, ...values };
}

/** The first way data breaks the JSON schema, as "/path message", or undefined when it matches. */
export function schemaError(schema, data) {
  const validate = new Ajv({ allErrors: false, strict: true }).compile(schema);
  if (validate(data)) return undefined;
  const [e] = validate.errors ?? [];
  return e ? `${e.instancePath || '/'} ${e.message ?? ''}`.trim() : 'invalid';
}

/** The JSON the last run wrote to out, or undefined (missing, unreadable or not JSON). */
export async function previousOutput(out) {
  try {
    return JSON.parse(await readFile(out, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Checks the converted data against the schema file (a URL) and writes format(converted) to out through a temporary
 * file and a rename, so that readers never see half a file. `contents` names the data in the error ("the ranges").
 */
export async function writeOutput(converted, { schema, format, input, out, contents }) {
  const mismatch = schemaError(JSON.parse(await readFile(schema, 'utf8')), converted);
  if (mismatch)
    throw new InputError(`${input}: the conversion does not match ${basename(schema.pathname)}: ${mismatch}`);
  const temporary = `${out}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, format(converted));
    await rename(temporary, out);
  } catch (error) {
    throw new InputError(`${out}: cannot write ${contents} (${error.code ?? error.message})`);
  }
}

/** Runs main and turns an InputError or UsageError into one line on stderr, prefixed with the script's name. */
export async function runConverter(name, main) {
  try {
    await main();
  } catch (error) {
    if (!(error instanceof InputError || error instanceof UsageError)) throw error;
    console.error(`${name}: ${error.message}`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  }
}
