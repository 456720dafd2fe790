import { describe, expect, it } from 'vitest';
import { EventBus } from '../bus';
import { NonRetryableError } from '../errors';
import { InProcessBroker, InProcessBusDriver } from '../in-process/in-process-driver';
import { waitFor } from '../test-support/bus-contract';
import { CliUsageError, runDlqCli } from './dlq';

describe('dlq CLI', () => {
  it('lists and replays dead letters', async () => {
    const broker = new InProcessBroker();
    const bus = new EventBus(new InProcessBusDriver(broker));
    let fixed = false;
    const handled: string[] = [];
    await bus.subscribe({
      group: 'request-controls',
      handlers: {
        'keel.operation.submitted.v1': async (e) => {
          await Promise.resolve();
          if (!fixed) throw new NonRetryableError('unknown API key id');
          handled.push(e.id);
        },
      },
    });
    const ev = await bus.publish(
      'keel.operation.submitted.v1',
      {
        operationId: 'op-1',
        operationType: 'token.mint',
        params: {},
        submittedBy: { kind: 'api-key', id: 'k1' },
        submittedAt: new Date().toISOString(),
      },
      { organizationId: 'org', correlationId: 'op-1' },
    );
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), driver: () => new InProcessBusDriver(broker) };
    await waitFor(
      'dead letter',
      () => broker.snapshot('keel.operation.submitted.v1.dlq').length === 1,
      5_000,
    );

    expect(
      await runDlqCli(['list', '--topic', 'keel.operation.submitted.v1', '--brokers', 'x'], io),
    ).toBe(0);
    expect(lines[0]).toContain(`event=${ev.id}`);
    expect(lines[0]).toContain('group=request-controls');
    expect(lines[0]).toContain('reason=rejected');
    expect(lines[0]).toContain('unknown API key id');

    await expect(
      runDlqCli(['replay', '--topic', 'keel.operation.submitted.v1', '--brokers', 'x'], io),
    ).rejects.toThrow(CliUsageError);
    await expect(
      runDlqCli(['list', '--topic', 'keel.nope.v1', '--brokers', 'x'], io),
    ).rejects.toThrow(/catalog topic/);

    fixed = true;
    lines.length = 0;
    expect(
      await runDlqCli(
        [
          'replay',
          '--topic',
          'keel.operation.submitted.v1',
          '--event-id',
          ev.id,
          '--brokers',
          'x',
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    expect(JSON.parse(lines[0]!)).toMatchObject({ eventId: ev.id, group: 'request-controls' });
    await waitFor('replayed event handled', () => handled.length === 1, 5_000);
    expect(handled).toEqual([ev.id]);
    await bus.close();
    broker.close();
  });
});
