import { randomBytes } from 'node:crypto';
import {
  EventBus,
  InProcessBroker,
  InProcessBusDriver,
  KafkaBusDriver,
  type Subscription,
} from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import { createLogger } from '@keel/telemetry';
import {
  createTestDatabase,
  freePort,
  type TestKafka,
  startTestKafka,
  TEST_INTERNAL_TOKEN,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import { type RunningKeyGuardian, startKeyGuardian } from '../bootstrap';
import { loadKeyGuardianConfig } from '../config';
import type { CustodyPolicy } from '../policy/custody-policy';

// key-guardian in this process against its own PostgreSQL database, with a bus client
// that collects every key.sign.result: shared by the integration specs of this service.

type SignResult = KeelEvent<'keel.key.sign.result.v1'>;

export interface KeyGuardianStackOptions {
  /** Prefix of the test database's name. */
  databasePrefix: string;
  /** `kafka` starts a Kafka mock cluster for key-guardian and the client; `in-process` shares a broker. */
  bus: 'kafka' | 'in-process';
  /** Consumer group (and Kafka client id) of the spec's bus client. */
  clientGroup: string;
  /** Configuration variables on top of database, master key, bus, port and internal token. */
  env?: Record<string, string>;
  /** The custodian policy key-guardian evaluates, in place of the stored wallet policies. */
  policy?: CustodyPolicy;
  /** Where key-guardian reads env: credential references (custody providers). */
  secretEnv?: Record<string, string>;
}

export interface KeyGuardianStack {
  readonly kg: RunningKeyGuardian;
  readonly client: EventBus;
  readonly db: TestDatabaseHandle;
  /** The keystore master key (hex), so a spec can prove it never reaches a log. */
  readonly masterKey: string;
  /** Every line key-guardian logged, at debug level. */
  readonly logLines: string[];
  /** Every key.sign.result the client received, by request id, in arrival order. */
  readonly results: Map<string, SignResult[]>;
  /** Waits for the `count`th key.sign.result of `requestId`; returns all received so far. */
  resultFor(requestId: string, count?: number): Promise<SignResult[]>;
  stop(): Promise<void>;
}

export async function startKeyGuardianStack(
  options: KeyGuardianStackOptions,
): Promise<KeyGuardianStack> {
  const masterKey = randomBytes(32).toString('hex');
  const logLines: string[] = [];
  const results = new Map<string, SignResult[]>();
  let db: TestDatabaseHandle | undefined;
  let kafka: TestKafka | undefined;
  let kg: RunningKeyGuardian | undefined;
  let client: EventBus | undefined;
  let sub: Subscription | undefined;
  const stop = async () => {
    await sub?.stop();
    await client?.close();
    await kg?.close();
    await Promise.all([db?.drop(), kafka?.stop()]);
  };
  try {
    [db, kafka] = await Promise.all([
      createTestDatabase({ prefix: options.databasePrefix }),
      options.bus === 'kafka' ? startTestKafka() : undefined,
    ]);
    const broker = kafka ? undefined : new InProcessBroker();
    const config = loadKeyGuardianConfig({
      KEEL_DATABASE_URL: db.url,
      KEEL_KEYSTORE_MASTER_KEY: masterKey,
      ...(kafka
        ? { KEEL_BUS_DRIVER: 'kafka', KEEL_KAFKA_BROKERS: kafka.bootstrapServers }
        : { KEEL_BUS_DRIVER: 'in-process' }),
      KEEL_HTTP_PORT: String(await freePort()),
      KEEL_INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
      ...options.env,
    });
    const logger = createLogger({
      service: 'key-guardian',
      level: 'debug',
      destination: { write: (l: string) => void logLines.push(l) },
    });
    kg = await startKeyGuardian(config, {
      logger,
      broker,
      policy: options.policy,
      ...(options.secretEnv ? { secretEnv: options.secretEnv } : {}),
    });
    client = new EventBus(
      broker
        ? new InProcessBusDriver(broker)
        : new KafkaBusDriver({ brokers: kafka!.brokers, clientId: options.clientGroup }),
    );
    sub = await client.subscribe({
      group: options.clientGroup,
      handlers: {
        'keel.key.sign.result.v1': async (event) => {
          const list = results.get(event.payload.requestId) ?? [];
          list.push(event);
          results.set(event.payload.requestId, list);
        },
      },
    });
    await sub.ready;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kg,
    client,
    db,
    masterKey,
    logLines,
    results,
    async resultFor(requestId, count = 1) {
      let got: SignResult[] = [];
      await waitUntil(`key.sign.result #${count} for ${requestId}`, async () => {
        got = results.get(requestId) ?? [];
        return got.length >= count;
      });
      return got;
    },
    stop,
  };
}
