/**
 * Reports kept in memory by capture, the least recently used dropped first: a report is 5–8 MB of JSON and
 * several times that as objects, so only a few stay (the extension reads the others back from its storage; the MCP
 * server analyses them again). An entry serves only the same `key` (the file, version and settings it was made from).
 */
export class ReportCache<T> {
  /** In use order, oldest first: a Map iterates in insertion order, and a use moves the entry to the end. */
  private readonly entries = new Map<string, { key: string; report: T }>();

  constructor(private readonly capacity: number) {}

  get(capture: string, key: string): T | undefined {
    const entry = this.entries.get(capture);
    if (entry?.key !== key) return undefined;
    this.entries.delete(capture);
    this.entries.set(capture, entry);
    return entry.report;
  }

  set(capture: string, key: string, report: T): void {
    this.entries.delete(capture);
    this.entries.set(capture, { key, report });
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  delete(capture: string): void {
    this.entries.delete(capture);
  }

  has(capture: string): boolean {
    return this.entries.has(capture);
  }
}
