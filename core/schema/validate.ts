import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import ekRecordSchema from './ek-record.schema.json' with { type: 'json' };
import reportSchema from './report.schema.json' with { type: 'json' };
import type { EkRecord } from './generated/ek-record.js';
import type { Report } from './generated/report.js';

// ajv-formats is CommonJS with a default export; under NodeNext its callable sits on .default.
const addFormats = ajvFormats as unknown as typeof ajvFormats.default;

/** A strict ajv instance that knows the standard formats (date-time, uri, ipv4, …). */
export function createAjv(): Ajv {
  const ajv = new Ajv({ allErrors: false, strict: true });
  addFormats(ajv);
  return ajv;
}

const ajv = createAjv();

export const validateEkRecord: ValidateFunction<EkRecord> = ajv.compile<EkRecord>(ekRecordSchema);

/** Compiled on first use: the report schema is the largest (0.4 s to compile), and an analysis never needs it. */
export const validateReport: ValidateFunction<Report> = compiledOnFirstUse<Report>(reportSchema);

function compiledOnFirstUse<T>(schema: object): ValidateFunction<T> {
  let compiled: ValidateFunction<T> | undefined;
  const validate = ((data: unknown) => (compiled ??= ajv.compile<T>(schema))(data)) as ValidateFunction<T>;
  Object.defineProperty(validate, 'errors', { get: () => compiled?.errors });
  return validate;
}

/** ajv's first error as "path: message", for warnings and test failures. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'no error';
  return errors
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim())
    .join('; ');
}
