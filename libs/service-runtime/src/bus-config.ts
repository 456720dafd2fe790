import {
  type BatchLimits,
  defaultBatchLimits,
  EventBus,
  InProcessBroker,
  InProcessBusDriver,
  KafkaBusDriver,
  type BusLogger,
} from '@keel/bus';
import { type ConfigOf, shapes, variable } from '@keel/config';
import { INTERNAL_TOKEN_MIN_LENGTH } from '@keel/http-problem';
import { z } from 'zod';

/** Configuration every service that talks over the bus shares. */
export const busVariables = {
  busDriver: variable({
    env: 'KEEL_BUS_DRIVER',
    schema: shapes.oneOf(['kafka', 'in-process'] as const),
    description: 'bus driver: kafka (distributed) or in-process (embedded, one process)',
    fix: 'Set KEEL_BUS_DRIVER=kafka and KEEL_KAFKA_BROKERS, or in-process for embedded mode.',
    default: 'kafka' as const,
  }),
  kafkaBrokers: variable({
    env: 'KEEL_KAFKA_BROKERS',
    schema: shapes.csv(),
    description: 'comma-separated Kafka bootstrap brokers (host:port)',
    fix: 'Set KEEL_KAFKA_BROKERS=127.0.0.1:9092 (several separated by commas).',
    default: [] as string[],
  }),
  kafkaSsl: variable({
    env: 'KEEL_KAFKA_SSL',
    schema: shapes.boolean(),
    description: 'connect to the Kafka brokers over TLS',
    fix: 'Set KEEL_KAFKA_SSL=true for a TLS listener (Strimzi: port 9093), false otherwise.',
    default: false,
  }),
  kafkaUsername: variable<string | null>({
    env: 'KEEL_KAFKA_USERNAME',
    schema: shapes.string().nullable(),
    description:
      'SASL/SCRAM-SHA-512 user (the Strimzi KafkaUser of the service, whose ACLs limit it to its topics); unset: no SASL',
    fix: 'Set KEEL_KAFKA_USERNAME to the service name (k8s/base creates a KafkaUser of that name).',
    default: null,
  }),
  kafkaPassword: variable<string | null>({
    env: 'KEEL_KAFKA_PASSWORD',
    schema: shapes.string().nullable(),
    description:
      "the SASL user's password (Strimzi keeps it in the KafkaUser's Secret, key `password`)",
    fix: 'Set KEEL_KAFKA_PASSWORD from the Secret Strimzi created for the KafkaUser.',
    sensitive: true,
    default: null,
  }),
  busBatchMaxRecords: variable({
    env: 'KEEL_BUS_BATCH_MAX_RECORDS',
    schema: shapes.positiveInt(),
    description:
      'records of one partition a consumer handles in one batch (one database transaction); 1 turns batches off',
    fix: 'Set KEEL_BUS_BATCH_MAX_RECORDS to a positive integer (default 100; bench/RESULTS.md has the measurements).',
    default: defaultBatchLimits.maxRecords,
  }),
  busBatchMaxBytes: variable({
    env: 'KEEL_BUS_BATCH_MAX_BYTES',
    schema: shapes.positiveInt(),
    description: 'bytes of record values in one batch (a larger record still goes alone)',
    fix: 'Set KEEL_BUS_BATCH_MAX_BYTES to a positive integer (default 1048576).',
    default: defaultBatchLimits.maxBytes,
  }),
  busBatchMaxWaitMs: variable({
    env: 'KEEL_BUS_BATCH_MAX_WAIT_MS',
    schema: shapes.nonNegativeInt(),
    description:
      'how long a fetch waits for a batch to fill (0: answer with what is there, no added latency)',
    fix: 'Set KEEL_BUS_BATCH_MAX_WAIT_MS to a non-negative integer of milliseconds (default 0).',
    default: defaultBatchLimits.maxWaitMs,
  }),
};
export type BusConfig = ConfigOf<typeof busVariables>;

/** The batch limits of every subscription of the service, from the bus variables. */
export function busBatchLimits(
  config: Pick<BusConfig, 'busBatchMaxRecords' | 'busBatchMaxBytes' | 'busBatchMaxWaitMs'>,
): BatchLimits {
  return {
    maxRecords: config.busBatchMaxRecords,
    maxBytes: config.busBatchMaxBytes,
    maxWaitMs: config.busBatchMaxWaitMs,
  };
}

/** TLS and SASL options of the Kafka client, from the bus variables (none when unset). */
export function kafkaClientOptions(
  config: Pick<BusConfig, 'kafkaSsl' | 'kafkaUsername' | 'kafkaPassword'>,
): { ssl?: boolean; sasl?: { mechanism: 'scram-sha-512'; username: string; password: string } } {
  if ((config.kafkaUsername === null) !== (config.kafkaPassword === null)) {
    throw new Error('KEEL_KAFKA_USERNAME and KEEL_KAFKA_PASSWORD are set together or not at all');
  }
  return {
    ...(config.kafkaSsl ? { ssl: true } : {}),
    ...(config.kafkaUsername !== null && config.kafkaPassword !== null
      ? {
          sasl: {
            mechanism: 'scram-sha-512' as const,
            username: config.kafkaUsername,
            password: config.kafkaPassword,
          },
        }
      : {}),
  };
}

export const databaseVariables = {
  databaseUrl: variable({
    env: 'KEEL_DATABASE_URL',
    schema: shapes.url(['postgres', 'postgresql']),
    description: 'PostgreSQL URL of the service database',
    fix: 'Set KEEL_DATABASE_URL=postgres://user@host:5432/db',
    sensitive: true,
  }),
};

export const httpVariables = {
  httpPort: variable({
    env: 'KEEL_HTTP_PORT',
    schema: shapes.port(),
    description: 'HTTP port (API or internal API, and health endpoints)',
    fix: 'Set KEEL_HTTP_PORT to a free TCP port.',
  }),
  httpHost: variable({
    env: 'KEEL_HTTP_HOST',
    schema: z.string().min(1),
    description: 'interface to listen on',
    fix: 'Set KEEL_HTTP_HOST=0.0.0.0 to listen on every interface.',
    default: '127.0.0.1',
  }),
};

/**
 * The service's bus. One in-process broker per process: embedded mode passes
 * its shared broker instead.
 */
export function createBus(
  config: BusConfig,
  clientId: string,
  logger: BusLogger,
  broker: InProcessBroker = new InProcessBroker(),
): EventBus {
  if (config.busDriver === 'in-process')
    return new EventBus(new InProcessBusDriver(broker), { logger });
  if (config.kafkaBrokers.length === 0) {
    throw new Error('KEEL_KAFKA_BROKERS is required when KEEL_BUS_DRIVER=kafka');
  }
  return new EventBus(
    new KafkaBusDriver({
      brokers: config.kafkaBrokers,
      clientId,
      logger,
      kafkaLogLevel: 'error',
      client: kafkaClientOptions(config),
      batch: busBatchLimits(config),
    }),
    { logger },
  );
}

/**
 * The secret every Keel service shares to call another's internal API
 * (`/internal/...`): checked on every internal route, sent by callService.
 */
export const internalAuthVariables = {
  internalToken: variable({
    env: 'KEEL_INTERNAL_TOKEN',
    schema: z
      .string()
      .min(INTERNAL_TOKEN_MIN_LENGTH, `must be at least ${INTERNAL_TOKEN_MIN_LENGTH} characters`),
    description:
      'shared secret of the internal service-to-service API (the same value in every Keel service)',
    fix: 'Set KEEL_INTERNAL_TOKEN to the same random value in every service, e.g. `openssl rand -hex 32`.',
    sensitive: true,
  }),
};

/** Log verbosity, shared by every service. */
export const logVariables = {
  logLevel: variable({
    env: 'KEEL_LOG_LEVEL',
    schema: shapes.logLevel(),
    description: 'minimum log level',
    fix: 'Set KEEL_LOG_LEVEL=info (or debug while investigating).',
    default: 'info' as const,
  }),
};
