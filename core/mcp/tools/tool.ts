import type { Report } from '../../schema/generated/report.js';

/** Where a tool may read captures: the MCP server's roots (core/mcp/capture-roots.ts), the extension's workspace. */
export interface CaptureLocator {
  /** The real path of the capture a tool call names, or a one-line error that says why it may not be read. */
  capture(path: string | undefined): Promise<string>;
  /** The real path of a dataset folder (teamshark export) a tool call names, under the same rules; where datasets are read. */
  dataset?(path: string): Promise<string>;
  /** The capture as an answer names it. */
  display(real: string): string;
}

/** The reports of captures: the server's own cache, or the extension's analysis store. */
export interface ReportSource {
  of(capture: string, options: { timeoutMs: number; signal?: AbortSignal; tsharkPath?: string }): Promise<Report>;
}

/** What every tool may use: where captures may be read from, their reports, and its call's limits. */
export interface ToolContext {
  roots: CaptureLocator;
  reports: ReportSource;
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
  /** How a chat prompt names it in VS Code (#teamsharkQuality). */
  readonly referenceName: string;
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
  const capture = await context.roots.capture(input.path as string | undefined);
  const report = await context.reports.of(capture, {
    timeoutMs: context.timeoutMs,
    signal: context.signal,
    tsharkPath: context.tsharkPath,
  });
  return { capture, report };
}

/**
 * A list as an answer holds it: its first `most` entries under `name`, and how many more there were under
 * `${name}LeftOut`. Every list an answer holds is bounded, and says what it left out.
 */
export function listed<Name extends string, T>(name: Name, list: readonly T[], most: number) {
  return { [name]: list.slice(0, most), [`${name}LeftOut`]: Math.max(0, list.length - most) } as Record<Name, T[]> &
    Record<`${Name}LeftOut`, number>;
}

/** Characters (as JSON) the rows of one answer take at most, whatever their limit: a row can hold long values. */
export const MOST_ROW_CHARS = 100_000;

/**
 * The rows of an answer, first to last, until its limit or MOST_ROW_CHARS: a row past either is not taken, nor
 * any after it, and the caller counts them as left out.
 */
export class AnswerRows<Row> {
  readonly rows: Row[] = [];
  private chars = 0;
  private full = false;

  constructor(private readonly limit: number) {}

  /** Whether the row was taken. */
  offer(row: Row): boolean {
    if (this.full) return false;
    const chars = JSON.stringify(row).length;
    if (this.rows.length >= this.limit || this.chars + chars > MOST_ROW_CHARS) {
      this.full = true;
      return false;
    }
    this.chars += chars;
    this.rows.push(row);
    return true;
  }
}
