import type { Logger } from '@keel/telemetry';
import type { ExpireApprovalsUseCase } from './usecases/expire-approvals/expire-approvals.usecase';

/** Runs the approval deadline check every `intervalMs`; one pass at a time per instance. */
export class ApprovalTimeoutPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly expire: ExpireApprovalsUseCase,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick().finally(() => {
        this.running = null;
      });
    }, this.intervalMs);
  }

  private async tick(): Promise<void> {
    try {
      let n: number;
      do n = await this.expire.execute();
      while (n > 0);
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'approval deadline check failed; retrying');
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }
}
