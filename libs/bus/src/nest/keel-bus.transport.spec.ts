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
});
