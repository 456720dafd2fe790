// An outbox relay as its own process. With KEEL_PAUSE_AFTER_PUBLISH=1 it stops
// after its first batch reached Kafka and before the batch is marked sent, so
// the test can SIGKILL it exactly there.
import { type BusLogger, EventBus, KafkaBusDriver, type PublishItem } from '@keel/bus';
import { openDataSource } from '../data-source';
import { OutboxRelay } from '../outbox-relay';

const logger: BusLogger = {
  info: () => undefined,
  warn: (o, m) => process.stderr.write(`WARN ${m ?? ''} ${JSON.stringify(o)}\n`),
  error: (o, m) => process.stderr.write(`ERROR ${m ?? ''} ${JSON.stringify(o)}\n`),
};

async function main(): Promise<void> {
  const env = (k: string): string => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set`);
    return v;
  };
  const pause = process.env['KEEL_PAUSE_AFTER_PUBLISH'] === '1';
  const ds = await openDataSource({ url: env('KEEL_DATABASE_URL') });
  const bus = new EventBus(
    new KafkaBusDriver({
      brokers: env('KEEL_KAFKA_BROKERS').split(','),
      clientId: 'relay',
      logger,
    }),
  );
  const publisher = {
    publishEvents: async (items: readonly PublishItem[]) => {
      await bus.publishEvents(items);
      process.stdout.write(`PUBLISHED ${items.length} ${items.map((i) => i.event.id).join(',')}\n`);
      if (pause) await new Promise<never>(() => undefined);
    },
  };
  const relay = new OutboxRelay({
    dataSource: ds,
    publisher,
    batchSize: Number(process.env['KEEL_BATCH'] ?? 500),
  });
  relay.start();
  process.stdout.write('READY relay\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`relay failed: ${String(err)}\n`);
  process.exit(1);
});
