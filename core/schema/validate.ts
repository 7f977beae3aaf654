import type { ErrorObject, ValidateFunction } from 'ajv';
import type { AzureAddressRanges } from './generated/azure-ranges.js';
import type { EkRecord } from './generated/ek-record.js';
import type { MicrosoftAddressRanges } from './generated/ranges.js';
import type { SampleTruth } from './generated/sample-truth.js';
import type { ServiceCatalog } from './generated/services.js';
import type { TlsCipherSuites } from './generated/tls-cipher-suites.js';
import * as precompiled from './generated/validators.js';

// Validators precompiled at build from the JSON Schemas (scripts/gen-schema-types.mjs): no ajv compilation at
// run time. The generated module is untyped; the schemas' own types are attached here. The report's validator
// is in ./validate-report.ts.
export const validateEkRecord = precompiled.validateEkRecord as ValidateFunction<EkRecord>;
export const validateServiceCatalog = precompiled.validateServiceCatalog as ValidateFunction<ServiceCatalog>;
export const validateRanges = precompiled.validateRanges as ValidateFunction<MicrosoftAddressRanges>;
export const validateAzureRanges = precompiled.validateAzureRanges as ValidateFunction<AzureAddressRanges>;
export const validateCipherSuiteRegistry = precompiled.validateCipherSuiteRegistry as ValidateFunction<TlsCipherSuites>;
export const validateDnsResolvers = precompiled.validateDnsResolvers as ValidateFunction<{
  names: string[];
  addresses: string[];
}>;
export const validateSampleTruth = precompiled.validateSampleTruth as ValidateFunction<SampleTruth>;

/** ajv's first errors as "path: message", for warnings, load failures and test failures. */
export function describeErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors?.length) return 'no error';
  return errors
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim())
    .join('; ');
}

/** The data, typed, when it matches its schema; otherwise an error naming the file (`where`) and what is wrong. */
export function checked<T>(validate: ValidateFunction<T>, data: unknown, where: string): T {
  if (!validate(data)) throw new Error(`${where} does not match its schema: ${describeErrors(validate.errors)}`);
  return data;
}
