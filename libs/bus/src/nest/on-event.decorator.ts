import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
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
 * The event and the ConsumeContext are bound as the first two parameters
 * (no @Payload()/@Ctx() needed). Served by `KeelBusTransport` (validation, retries, dead letters, tracing and
 * commit-after-success come from `EventBus`).
 */
export function OnEvent<T extends TopicName>(topic: T) {
  return <H extends TypedEventHandlerMethod<T>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<H>,
  ): void => {
    EventPattern(topic)(target, key, descriptor);
    // Nest passes only the payload to undecorated handlers; bind both arguments.
    Payload()(target, key, 0);
    Ctx()(target, key, 1);
  };
}
