import { EventPattern } from '@nestjs/microservices';
import type { KeelEvent, TopicName } from '@keel/events';
import type { ConsumeContext } from '../bus';

/** The signature a handler of topic T must have. */
export type TypedEventHandlerMethod<T extends TopicName> = (
  event: KeelEvent<T>,
  ctx: ConsumeContext,
) => Promise<void> | void;

/**
 * Declares a NestJS method as the handler of a catalog topic. The method's
 * parameter types are checked against the topic's payload:
 *
 * ```ts
 * @OnEvent('keel.operation.accepted.v1')
 * async onAccepted(event: KeelEvent<'keel.operation.accepted.v1'>, ctx: ConsumeContext) {}
 * ```
 *
 * Served by `KeelBusTransport` (validation, retries, dead letters, tracing and
 * commit-after-success come from `EventBus`).
 */
export function OnEvent<T extends TopicName>(topic: T) {
  return <H extends TypedEventHandlerMethod<T>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): void => {
    EventPattern(topic)(target, key, descriptor);
  };
}
