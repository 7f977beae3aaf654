import assert from 'node:assert/strict';
import { TeamsharkError, type ErrorCode } from '../core/util/errors.js';

/** A TeamsharkError of one of `codes`, in one line without a stack trace; returns it for more checks. */
export function assertTeamsharkError(error: unknown, ...codes: ErrorCode[]): TeamsharkError {
  assert.ok(error instanceof TeamsharkError, `not a TeamsharkError: ${(error as Error)?.stack ?? String(error)}`);
  assert.ok(codes.includes(error.code), `code "${error.code}", expected ${codes.join(' or ')}: ${error.message}`);
  assert.doesNotMatch(error.message, /\n|\s+at\s/, 'one line, no stack trace');
  return error;
}

/** The promise rejects with a TeamsharkError of one of `codes` (see assertTeamsharkError). */
export async function rejectsWithCode(promise: Promise<unknown>, ...codes: ErrorCode[]): Promise<TeamsharkError> {
  let caught: unknown;
  await assert.rejects(promise, (error) => {
    caught = error;
    return true;
  });
  return assertTeamsharkError(caught, ...codes);
}
