import type { CaptureRoots } from '../capture-roots.js';
import type { ServerReports } from '../reports.js';

/** What every tool may use: where captures may be read from, the reports made so far, and its call's limits. */
export interface ToolContext {
  roots: CaptureRoots;
  reports: ServerReports;
  /** Fires when the client cancels the call. */
  signal: AbortSignal;
  /** Each tshark run stops after this long. */
  timeoutMs: number;
  tsharkPath?: string;
}

/**
 * One tool an agent can call: its name, what it does, a JSON Schema for its arguments (checked before `run`)
 * and for its answer. Every answer is bounded in size, and every statement in it carries its frames and a
 * display filter, or names the finding that does.
 */
export interface AgentTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly inputSchema: { type: 'object'; properties: Record<string, object>; required?: string[] };
  readonly outputSchema: { type: 'object'; properties?: Record<string, object>; required?: string[] };
  run(input: Record<string, unknown>, context: ToolContext): Promise<Record<string, unknown>>;
}

/** The argument every tool that reads one capture takes. */
export const CAPTURE_PATH = {
  type: 'string',
  minLength: 1,
  description: "A capture file (.pcap, .pcapng), relative to the server's first --root or absolute inside a root.",
} as const;

/** The capture a call names, read as a report (from the server's cache when unchanged). */
export async function reportOf(input: Record<string, unknown>, context: ToolContext) {
  const capture = await context.roots.capture(input.path as string);
  const report = await context.reports.of(capture, {
    timeoutMs: context.timeoutMs,
    signal: context.signal,
    tsharkPath: context.tsharkPath,
  });
  return { capture, report };
}
