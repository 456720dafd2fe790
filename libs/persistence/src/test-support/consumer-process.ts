// A consumer service in miniature, run as its own process by the crash tests:
// Kafka driver + inbox handler. With KEEL_PAUSE_AFTER_COMMIT=<event id> it
// stops after that event's database commit and before its offset commit, so
// the test can SIGKILL it exactly there.
import { type BusLogger, EventBus, KafkaBusDriver } from '@keel/bus';
import { openDataSource } from '../data-source';
import { withInbox } from '../inbox';
import { CreateTestEffects1795300000001, effectHandler, TOPIC } from './fixtures';

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
  const name = env('KEEL_CONSUMER_NAME');
  const pauseAfter = process.env['KEEL_PAUSE_AFTER_COMMIT'];
  const ds = await openDataSource({
    url: env('KEEL_DATABASE_URL'),
    migrations: [CreateTestEffects1795300000001],
  });
  const bus = new EventBus(
    new KafkaBusDriver({
      brokers: env('KEEL_KAFKA_BROKERS').split(','),
      clientId: name,
      logger,
      kafkaLogLevel: 'warn',
      sessionTimeoutMs: 6_000,
      heartbeatIntervalMs: 500,
      rebalanceTimeoutMs: 3_000,
    }),
  );
  const inbox = withInbox(ds, effectHandler(name));
  const sub = await bus.subscribe({
    group: env('KEEL_GROUP'),
    handlers: {
      [TOPIC]: async (event, ctx) => {
        process.stdout.write(`DELIVERED ${event.id} p${ctx.partition}@${ctx.offset}\n`);
        await inbox(event, ctx);
        if (pauseAfter && event.id === pauseAfter) {
          const size = ctx.batch?.records.length ?? 1;
          const pause = async (): Promise<never> => {
            process.stdout.write(`COMMITTED ${event.id} IN A BATCH OF ${size}\n`);
            return new Promise<never>(() => undefined);
          };
          // In a batch, the database commit comes once every record of it was handled.
          if (ctx.batch) ctx.batch.afterCommit(pause);
          else await pause();
        }
      },
    },
  });
  await sub.ready;
  process.stdout.write(`READY ${name}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`consumer failed: ${String(err)}\n`);
  process.exit(1);
});
