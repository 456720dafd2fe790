import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from '@keel/telemetry';
import type { RequestControlsConfig } from '../config';
import { CONFIG, LOGGER } from '../tokens';
import { IngressRepository } from './ingress.repository';

const EVERY_MS = 10 * 60_000;

/**
 * Forgets old ingress message ids. They are kept for twice the replay window
 * plus an hour: a message can be fresh from `timestamp - window` to
 * `timestamp + window`, and an older one is refused as stale anyway.
 */
@Injectable()
export class IngressRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repository: IngressRepository,
    @Inject(CONFIG) private readonly config: RequestControlsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get retentionSeconds(): number {
    return 2 * this.config.ingressReplayWindowSeconds + 3600;
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.repository.pruneMessages(this.retentionSeconds).then(
        (n) => n > 0 && this.logger.debug({ forgotten: n }, 'ingress message ids pruned'),
        (err: unknown) => this.logger.warn({ err }, 'pruning ingress message ids failed'),
      );
    }, EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }
}
