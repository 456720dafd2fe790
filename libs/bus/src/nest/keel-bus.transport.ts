import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { isTopicName, type TopicName } from '@keel/events';
import { lastValueFrom } from 'rxjs';
import type { EventBus, EventHandler, SelectorMap, Subscription } from '../bus';
import type { RetryPolicy } from '../retry';
import { ON_EVENT_ONLY } from './on-event.decorator';

export interface KeelBusTransportOptions {
  readonly bus: EventBus;
  /** The service's consumer group (usually the service name). */
  readonly group: string;
  readonly retry?: Partial<RetryPolicy>;
}

export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
}

/**
 * The selector tokens the handlers of one pattern act on: the union over Nest's chain of
 * handlers of the pattern, or undefined (no filter) when any of them takes every event.
 */
function onlyOf(head: MessageHandler): string[] | undefined {
  const tokens = new Set<string>();
  for (let h: MessageHandler | undefined = head; h; h = h.next as MessageHandler | undefined) {
    const only: unknown = h.extras?.[ON_EVENT_ONLY];
    if (!Array.isArray(only)) return undefined;
    for (const t of only) tokens.add(String(t));
  }
  return [...tokens];
}

/**
 * NestJS custom transport strategy over `EventBus`: every `@OnEvent(topic)`
 * handler of the microservice joins one consumer group. Works with either
 * driver, so a service module runs unchanged in distributed (Kafka) and
 * embedded (in-process) mode.
 *
 * ```ts
 * const app = await NestFactory.createMicroservice(AppModule, {
 *   strategy: new KeelBusTransport({ bus, group: 'execution-engine' }),
 * });
 * await app.listen();
 * ```
 */
export class KeelBusTransport extends Server implements CustomTransportStrategy {
  private subscription: Subscription | undefined;

  constructor(private readonly options: KeelBusTransportOptions) {
    super();
  }

  async listen(callback: (err?: unknown) => void): Promise<void> {
    try {
      const handlers: Partial<Record<TopicName, EventHandler<TopicName>>> = {};
      const only: Partial<Record<TopicName, string[]>> = {};
      for (const [pattern, handler] of this.getHandlers()) {
        if (!handler.isEventHandler) continue;
        if (!isTopicName(pattern)) {
          throw new UnknownTopicError(
            `@OnEvent/@EventPattern("${pattern}") is not a topic of the @keel/events catalog`,
          );
        }
        const tokens = onlyOf(handler);
        if (tokens) only[pattern] = tokens;
        handlers[pattern] = async (event, ctx) => {
          const result: unknown = await handler(event, ctx);
          await lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
        };
      }
      this.subscription = await this.options.bus.subscribe({
        group: this.options.group,
        handlers: handlers,
        // Typed per topic at each @OnEvent; here the topic is only known at runtime.
        only: only as SelectorMap,
        ...(this.options.retry ? { retry: this.options.retry } : {}),
      });
      await this.subscription.ready;
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  on(): never {
    throw new Error('KeelBusTransport does not emit server events');
  }

  unwrap<T>(): T {
    return this.options.bus as T;
  }
}
