/**
 * What went wrong, for programs and tests: the message says it to a person and may change its words, the
 * code does not. Grouped by what the user has to look at.
 */
export type ErrorCode =
  // The command line.
  | 'usage'
  | 'invalid-option'
  // The capture.
  | 'capture-not-found'
  | 'capture-unreadable'
  | 'permission-denied'
  | 'is-a-directory'
  | 'not-a-file'
  | 'empty-capture'
  | 'not-a-capture'
  | 'not-a-network-capture'
  | 'capture-damaged'
  | 'no-captures'
  | 'needs-capture-file'
  | 'stdin-is-terminal'
  | 'stdout-is-terminal'
  | 'not-a-local-file'
  | 'outside-roots'
  | 'workspace-untrusted'
  // The tools Teamshark runs.
  | 'tshark-missing'
  | 'tshark-too-old'
  | 'not-tshark'
  | 'tshark-failed'
  | 'editcap-missing'
  | 'editcap-failed'
  | 'worker-failed'
  // Time and cancellation.
  | 'timeout'
  | 'pipe-timeout'
  | 'cancelled'
  // Files Teamshark writes.
  | 'file-exists'
  | 'output-is-capture'
  | 'foreign-files'
  | 'write-failed'
  // The TLS key log.
  | 'keylog-not-found'
  // Datasets.
  | 'dataset-not-found'
  | 'not-a-dataset'
  | 'dataset-schema-mismatch'
  | 'duckdb-missing'
  | 'query-failed'
  | 'query-refused'
  | 'question-not-found'
  // The extension's notes and the agents' tools.
  | 'finding-not-found'
  | 'invalid-filter'
  // A bug, caught so that one capture of many can be reported as failed while the others go on.
  | 'internal';

/**
 * An error meant for the user: its message is one line that names the cause and, where there is one,
 * the fix. The CLI prints it as is; anything else that escapes is a bug and is reported as such.
 */
export class TeamsharkError extends Error {
  override readonly name = 'TeamsharkError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(oneLine(message), options);
  }
}

/** The analysis was stopped on request (a signal, a cancelled view): not a failure to report. */
export class AnalysisCancelled extends TeamsharkError {
  constructor() {
    super('cancelled', 'analysis cancelled');
  }
}

/** Folds whitespace (newlines included) so a message always fits on one line. */
export function oneLine(text: string, maxLength = 300): string {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded.length > maxLength ? `${folded.slice(0, maxLength - 1)}…` : folded;
}
