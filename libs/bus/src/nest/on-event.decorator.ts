import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { KeelEvent, SelectorOf, TopicName } from '@keel/events';
import type { ConsumeContext } from '../bus';

/** The signature a handler of topic T must have. */
export type TypedEventHandlerMethod<T extends TopicName> = (
  event: KeelEvent<T>,
  ctx: ConsumeContext,
) => Promise<void> | void;

export interface OnEventOptions<T extends TopicName> {
  /**
   * The selector tokens of the topic this handler acts on (see `SubscribeOptions.only`):
   * messages that name none of them are passed over before decoding. Keep the handler's own
   * check: a message without selectors is always delivered.
   */
  readonly only?: readonly SelectorOf<T>[];
}

/** Where `OnEvent` keeps its options in the pattern's Nest extras. */
export const ON_EVENT_ONLY = 'keelOnly';

/**
 * Declares a NestJS method as the handler of a catalog topic. The method's
 * parameter types are checked against the topic's payload:
 *
 * ```ts
 * @OnEvent('keel.operation.accepted.v1')
 * async onAccepted(event: KeelEvent<'keel.operation.accepted.v1'>, ctx: ConsumeContext) {}
 * ```
 *
 * `@OnEvent('keel.operation.status.v1', { only: ['status:CANCELLED'] })` handles only the
 * events that carry one of those selector tokens (and those that carry none).
 *
 * The event and the ConsumeContext are bound as the first two parameters
 * (no @Payload()/@Ctx() needed). Served by `KeelBusTransport` (validation, retries, dead letters, tracing and
 * commit-after-success come from `EventBus`).
 */
export function OnEvent<T extends TopicName>(topic: T, options: OnEventOptions<T> = {}) {
  return <H extends TypedEventHandlerMethod<T>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): void => {
    EventPattern(topic, options.only ? { [ON_EVENT_ONLY]: options.only } : undefined)(
      target,
      key,
      descriptor,
    );
    // Nest passes only the payload to undecorated handlers; bind both arguments.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
  };
}
