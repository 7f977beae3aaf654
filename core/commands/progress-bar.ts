/** A one-line progress bar on a terminal: redrawn in place, cleared before other lines are written. */
export class ProgressBar {
  private text = '';

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly total: number,
    private readonly unit: string,
  ) {}

  update(done: number, failed: number): void {
    const width = 24;
    const filled = this.total === 0 ? width : Math.round((done / this.total) * width);
    this.text = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total} ${this.unit}${failed ? ` · ${failed} failed` : ''}`;
    this.draw();
  }

  /** Writes a line above the bar. */
  print(line: string): void {
    this.clear();
    this.stream.write(line);
    this.draw();
  }

  clear(): void {
    if (this.text) this.stream.write('\r\x1b[K');
  }

  private draw(): void {
    if (this.text) this.stream.write(`\r${this.text}`);
  }
}
