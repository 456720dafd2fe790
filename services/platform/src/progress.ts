/** Human progress on the console while the platform boots and stops (logs go to a file). */
export class Progress {
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  private elapsed(): string {
    return `${((Date.now() - this.started) / 1000).toFixed(1).padStart(5)}s`;
  }

  step(message: string): void {
    this.out.write(`[${this.elapsed()}] ${message}\n`);
  }

  /** Runs `work` as a named step: a line when it starts and one with its duration. */
  async run<T>(message: string, work: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    this.step(`${message} …`);
    const result = await work();
    this.step(`${message} ✓ (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    return result;
  }

  line(text = ''): void {
    this.out.write(`${text}\n`);
  }
}
