import type { ValidateFunction } from 'ajv';
import type { Report } from './generated/report.js';
import { validateReport as precompiled } from './generated/report-validator.js';

/**
 * The report schema's validator, apart from the others (./validate.ts): it is most of the precompiled code, and
 * an analysis does not need it, only a reader of saved reports.
 */
export const validateReport = precompiled as ValidateFunction<Report>;
