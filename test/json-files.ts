import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import { checked } from '../core/schema/validate.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A JSON file (its path absolute or from the checkout root), checked against its schema and typed by it. */
export async function readCheckedJson<T>(validate: ValidateFunction<T>, path: string): Promise<T> {
  const file = resolve(repoRoot, path);
  return checked(validate, JSON.parse(await readFile(file, 'utf8')), file);
}
