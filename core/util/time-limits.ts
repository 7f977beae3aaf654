import type { TeamsharkError } from './errors.js';

/**
 * Time limits on a tshark run: one AbortSignal that fires when the caller cancels or when a limit passes,
 * and the error of the limit that fired, so that a timeout is reported as such and not as a Ctrl-C.
 */
export class TimeLimits {
  private readonly controller = new AbortController();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private firedError?: TeamsharkError;
  readonly signal: AbortSignal;

  constructor(callerSignal?: AbortSignal) {
    this.signal = callerSignal ? AbortSignal.any([callerSignal, this.controller.signal]) : this.controller.signal;
  }

  /** After `ms`, stops the run; `error` is what the run then fails with. */
  start(name: string, ms: number, error: () => TeamsharkError): void {
    this.timers.set(
      name,
      setTimeout(() => {
        this.firedError ??= error();
        this.controller.abort();
      }, ms),
    );
  }

  /** The limit is met: it no longer applies. */
  stop(name: string): void {
    const timer = this.timers.get(name);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(name);
  }

  /** The error of the limit that stopped the run, if one did. */
  get fired(): TeamsharkError | undefined {
    return this.firedError;
  }

  dispose(): void {
    for (const name of [...this.timers.keys()]) this.stop(name);
  }
}
