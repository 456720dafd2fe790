// Dead-letter tool: lists and replays `<topic>.dlq`.
//
//   SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register libs/bus/src/cli/dlq.ts <command> [options]
//
// See libs/bus/README.md ("Dead letters") for the commands.
import { parseArgs } from 'node:util';
import { isTopicName, topicNames } from '@keel/events';
import { type DeadLetter, listDeadLetters, replayDeadLetters } from '../dead-letters';
import type { BusDriver } from '../driver';
import { KafkaBusDriver } from '../kafka/kafka-driver';

export const usage = `usage: dlq <command> [options]

commands:
  topics                         list the catalog topics (their DLQ is <topic>.dlq)
  list   --topic T [--group G] [--event-id ID ...] [--json]
                                 list dead letters of topic T
  replay --topic T (--event-id ID ... | --all) [--group G]
                                 put dead letters back on T for the group that failed them

options:
  --brokers host:port,...        Kafka bootstrap servers (default: $KEEL_KAFKA_BROKERS)
  --topic T                      a catalog topic, e.g. keel.operation.accepted.v1
  --group G                      only dead letters of consumer group G
  --event-id ID                  only this event (repeatable)
  --all                          replay every (matching) dead letter
  --json                         machine-readable output (one JSON object per line)
`;

export class CliUsageError extends Error {
  override readonly name = 'CliUsageError';
}

export interface CliIo {
  out(line: string): void;
  /** The driver to use; the CLI closes it. */
  driver(brokers: string[]): BusDriver;
}

function summary(d: DeadLetter): string {
  return [
    `${d.dlqTopic}[${d.dlqPartition}]@${d.dlqOffset}`,
    `event=${d.eventId ?? '-'}`,
    `group=${d.group ?? '-'}`,
    `reason=${d.reason ?? '-'}`,
    `attempts=${d.attempts ?? '-'}`,
    `failedAt=${d.failedAt ?? '-'}`,
    `from=${d.originalTopic}[${d.originalPartition ?? '?'}]@${d.originalOffset ?? '?'}`,
    `error=${JSON.stringify(d.error ?? '')}`,
  ].join('  ');
}

export async function runDlqCli(
  argv: readonly string[],
  io: CliIo,
  env = process.env,
): Promise<number> {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      topic: { type: 'string' },
      group: { type: 'string' },
      'event-id': { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    io.out(usage);
    return command || values.help ? 0 : 2;
  }
  if (command === 'topics') {
    for (const t of topicNames) io.out(t);
    return 0;
  }
  if (command !== 'list' && command !== 'replay')
    throw new CliUsageError(`unknown command "${command}"`);
  const topic = values.topic;
  if (!topic || !isTopicName(topic)) {
    throw new CliUsageError(
      `--topic must be a catalog topic (see "dlq topics"), got ${JSON.stringify(topic ?? '')}`,
    );
  }
  const eventIds = values['event-id'] ?? [];
  if (command === 'replay' && eventIds.length === 0 && !values.all) {
    throw new CliUsageError('replay needs --event-id ID (repeatable) or --all');
  }
  const brokers = (values.brokers ?? env['KEEL_KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new CliUsageError('set --brokers or KEEL_KAFKA_BROKERS');
  const driver = io.driver(brokers);
  const filter = { ...(values.group ? { group: values.group } : {}), eventIds };
  try {
    const letters =
      command === 'list'
        ? await listDeadLetters(driver, topic, filter)
        : await replayDeadLetters(driver, topic, filter);
    for (const d of letters) {
      io.out(values.json ? JSON.stringify({ ...d, value: undefined }) : summary(d));
    }
    io.out(
      `${command === 'list' ? 'listed' : 'replayed'} ${letters.length} dead letter(s) of ${topic}`,
    );
    return 0;
  } finally {
    await driver.close();
  }
}

if (require.main === module) {
  runDlqCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    driver: (brokers) => new KafkaBusDriver({ brokers, clientId: 'keel-dlq-cli' }),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`dlq: ${err instanceof Error ? err.message : String(err)}\n`);
      if (err instanceof CliUsageError) process.stderr.write(usage);
      process.exit(err instanceof CliUsageError ? 2 : 1);
    },
  );
}
