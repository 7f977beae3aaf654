/**
 * An error meant for the user: its message is one line that names the cause and, where there is one,
 * the fix. The CLI prints it as is; anything else that escapes is a bug and is reported as such.
 */
export class TeamsharkError extends Error {
  override readonly name = 'TeamsharkError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(oneLine(message), options);
  }
}

/** The analysis was stopped on request (a signal, a cancelled view): not a failure to report. */
export class AnalysisCancelled extends TeamsharkError {
  constructor() {
    super('analysis cancelled');
  }
}

/** Folds whitespace (newlines included) so a message always fits on one line. */
export function oneLine(text: string, maxLength = 300): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length > maxLength ? `${folded.slice(0, maxLength - 1)}…` : folded;
}
