import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { DriverConsumer, EventBus } from '@keel/bus';
import { deadLetterTopicOf } from '@keel/events';
import type { Logger } from '@keel/telemetry';
import { EVENT_BUS, LOGGER } from '../tokens';
import { AnswerDeadLetterUseCase } from './usecases/answer-dead-letter/answer-dead-letter.usecase';

export const INGRESS_DEAD_LETTER_GROUP = 'request-controls.ingress-dead-letters';

/**
 * Follows the ingress dead-letter topic: a message the bus refused before any
 * handler saw it (not JSON, not an envelope, a payload failing the catalog)
 * still gets a `rejected` answer when a correlation id can be read. Raw
 * driver consumption, because dead letters are by definition not valid
 * catalog events.
 */
@Injectable()
export class IngressDeadLetters implements OnApplicationBootstrap, OnApplicationShutdown {
  private consumer: DriverConsumer | undefined;

  constructor(
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    private readonly answer: AnswerDeadLetterUseCase,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await this.bus.driver.consume({
      group: INGRESS_DEAD_LETTER_GROUP,
      topics: [deadLetterTopicOf('keel.ingress.operations.v1')],
      fromBeginning: true,
      handle: (raw) => this.answer.execute(raw),
    });
    this.consumer.ready.catch((err: unknown) =>
      this.logger.error({ err }, 'ingress dead-letter follower failed to join its group'),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
    this.consumer = undefined;
  }
}
