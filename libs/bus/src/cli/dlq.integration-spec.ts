import { startTestKafka, startProcess, type TestKafka } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus } from '../bus';
import { NonRetryableError } from '../errors';
import { KafkaBusDriver } from '../kafka/kafka-driver';
import { waitFor } from '../test-support/bus-contract';

const CLI = 'libs/bus/src/cli/dlq.ts';

describe('dlq CLI as a process against Kafka', () => {
  let kafka: TestKafka;
  beforeAll(async () => {
    kafka = await startTestKafka();
  });
  afterAll(async () => {
    await kafka?.stop();
  });

  const cli = async (...args: string[]): Promise<string> => {
    const p = startProcess({
      entry: CLI,
      args,
      env: { KEEL_KAFKA_BROKERS: kafka.bootstrapServers },
      name: 'dlq-cli',
    });
    const code = await p.exited;
    expect(code, p.output()).toBe(0);
    return p.output();
  };

  it('lists a poison message and replays it after the fix', async () => {
    const bus = new EventBus(
      new KafkaBusDriver({
        brokers: kafka.brokers,
        clientId: 'dlq-it',
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 3_000,
      }),
    );
    let fixed = false;
    const handled: string[] = [];
    const sub = await bus.subscribe({
      group: 'compliance-simulator',
      handlers: {
        'keel.compliance.requested.v1': async (e) => {
          await Promise.resolve();
          if (!fixed) throw new NonRetryableError('asset not deployed on chain 31337');
          handled.push(e.id);
        },
      },
    });
    await sub.ready;
    const addr = `0x${'11'.repeat(20)}`;
    const ev = await bus.publish(
      'keel.compliance.requested.v1',
      {
        operationId: 'op-dlq',
        transactionIndex: 0,
        call: { chainId: 31337, from: addr, to: addr, data: '0x', value: '0' },
      },
      { organizationId: 'org', correlationId: 'op-dlq' },
    );
    let listed = '';
    for (let i = 0; i < 5 && !listed.includes(ev.id); i++) {
      listed = await cli(
        'list',
        '--topic',
        'keel.compliance.requested.v1',
        '--group',
        'compliance-simulator',
      );
    }
    expect(listed).toContain(`event=${ev.id}`);
    expect(listed).toContain('reason=rejected');
    expect(listed).toContain('asset not deployed on chain 31337');

    fixed = true;
    const replayed = await cli(
      'replay',
      '--topic',
      'keel.compliance.requested.v1',
      '--event-id',
      ev.id,
    );
    expect(replayed).toContain('replayed 1 dead letter(s)');
    await waitFor('replayed event handled', () => handled.includes(ev.id), 30_000);
    await bus.close();
  });
});
