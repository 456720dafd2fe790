import 'reflect-metadata';
import { Controller, Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { KeelEvent } from '@keel/events';
import { describe, expect, it } from 'vitest';
import { type ConsumeContext, EventBus } from '../bus';
import { InProcessBroker, InProcessBusDriver } from '../in-process/in-process-driver';
import { waitFor } from '../test-support/bus-contract';
import { KeelBusTransport } from './keel-bus.transport';
import { OnEvent } from './on-event.decorator';

@Injectable()
class Journal {
  readonly seen: { id: string; group: string; type: string }[] = [];
}

@Controller()
class AcceptedHandler {
  constructor(private readonly journal: Journal) {}

  @OnEvent('keel.operation.accepted.v1')
  async onAccepted(
    event: KeelEvent<'keel.operation.accepted.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    await Promise.resolve();
    this.journal.seen.push({
      id: event.payload.operationId,
      group: ctx.group,
      type: event.payload.operationType,
    });
  }
}

@Module({ controllers: [AcceptedHandler], providers: [Journal] })
class EngineModule {}

@Controller()
class CancelledHandler {
  constructor(private readonly journal: Journal) {}

  @OnEvent('keel.operation.status.v1', { only: ['status:CANCELLED'] })
  onStatus(event: KeelEvent<'keel.operation.status.v1'>, ctx: ConsumeContext): void {
    this.journal.seen.push({ id: event.payload.operationId, group: ctx.group, type: 'cancelled' });
  }
}

@Controller()
class IngressStatusHandler {
  constructor(private readonly journal: Journal) {}

  @OnEvent('keel.operation.status.v1', { only: ['via:ingress'] })
  onStatus(event: KeelEvent<'keel.operation.status.v1'>, ctx: ConsumeContext): void {
    this.journal.seen.push({ id: event.payload.operationId, group: ctx.group, type: 'ingress' });
  }
}

@Module({ controllers: [CancelledHandler, IngressStatusHandler], providers: [Journal] })
class SelectiveModule {}

function statusOf(
  operationId: string,
  status: 'QUEUED' | 'CANCELLED',
  submittedVia: 'api-key' | 'ingress',
) {
  return {
    operationId,
    status,
    previousStatus: 'RECEIVED' as const,
    sequence: 1,
    at: new Date().toISOString(),
    submittedVia,
  };
}

describe('KeelBusTransport (NestJS custom transport strategy)', () => {
  it('serves typed @OnEvent handlers in the service consumer group', async () => {
    const broker = new InProcessBroker();
    const bus = new EventBus(new InProcessBusDriver(broker));
    const app = await NestFactory.createMicroservice(EngineModule, {
      strategy: new KeelBusTransport({ bus, group: 'execution-engine' }),
      logger: false,
    });
    await app.listen();
    await new EventBus(new InProcessBusDriver(broker)).publish(
      'keel.operation.accepted.v1',
      {
        operationId: 'op-9',
        operationType: 'token.burn',
        params: {},
        acceptedAt: new Date().toISOString(),
      },
      { organizationId: 'org', correlationId: 'op-9' },
    );
    const journal = app.get(Journal);
    await waitFor('handler', () => journal.seen.length === 1, 5_000);
    expect(journal.seen[0]).toEqual({ id: 'op-9', group: 'execution-engine', type: 'token.burn' });
    await app.close();
    broker.close();
  });

  it('subscribes with the union of the selectors its handlers of a topic act on', async () => {
    const broker = new InProcessBroker();
    const bus = new EventBus(new InProcessBusDriver(broker));
    const app = await NestFactory.createMicroservice(SelectiveModule, {
      strategy: new KeelBusTransport({ bus, group: 'signer' }),
      logger: false,
    });
    await app.listen();
    const producer = new EventBus(new InProcessBusDriver(broker));
    const publish = (id: string, status: 'QUEUED' | 'CANCELLED', via: 'api-key' | 'ingress') =>
      producer.publish('keel.operation.status.v1', statusOf(id, status, via), {
        organizationId: 'org',
        correlationId: 'one-key', // one partition, in order: op-last arrives last
      });
    await publish('op-queued-api', 'QUEUED', 'api-key');
    await publish('op-queued-ingress', 'QUEUED', 'ingress');
    await publish('op-cancelled-api', 'CANCELLED', 'api-key');
    await publish('op-last', 'CANCELLED', 'ingress');
    const journal = app.get(Journal);
    // Nest runs every handler of a pattern in turn; each keeps its own check in real services.
    await waitFor('the last event', () => journal.seen.some((s) => s.id === 'op-last'), 5_000);
    expect(new Set(journal.seen.map((s) => s.id))).toEqual(
      new Set(['op-queued-ingress', 'op-cancelled-api', 'op-last']),
    );
    await app.close();
    broker.close();
  });
});
