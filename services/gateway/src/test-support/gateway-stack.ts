import { EventBus, KafkaBusDriver, type SubscribeOptions } from '@keel/bus';
import type { RunningService } from '@keel/service-runtime';
import type { Logger } from '@keel/telemetry';
import {
  createTestDatabase,
  freePort,
  type TestKafka,
  type ManagedProcess,
  startTestKafka,
  startProcess,
  TEST_INTERNAL_TOKEN,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import { startGateway } from '../bootstrap';

// The gateway in this process; request controls (and, when asked, the execution engine)
// as their own processes on their own databases; a Kafka mock cluster; a bus client for
// the spec. Shared by the gateway's integration specs outside e2e/.

/** Who request controls installs as bootstrap admin at its start. */
export interface BootstrapAdmin {
  readonly adminKey: string;
  readonly organization: string;
}

export interface GatewayStackOptions {
  /** Test database name prefixes; an `engine` prefix also starts the execution engine. */
  readonly databases: { readonly requestControls: string; readonly engine?: string };
  readonly admin: BootstrapAdmin;
  /** Log level of the service processes (their output is kept: `ManagedProcess.output()`). */
  readonly serviceLogLevel: string;
  /** Request controls' variables on top of database, port, Kafka and bootstrap admin. */
  readonly requestControlsEnv?: Record<string, string>;
  /** The gateway's variables on top of port, token, Kafka and the services' URLs. */
  readonly gatewayEnv?: Record<string, string>;
  /** The gateway's logger; without one it logs nothing. */
  readonly gatewayLogger?: Logger;
  /** The spec's bus client: its Kafka client id and what it subscribes to (ready on return). */
  readonly client: { readonly clientId: string } & SubscribeOptions;
}

export interface GatewayStack {
  readonly kafka: TestKafka;
  readonly requestControlsDb: TestDatabaseHandle;
  readonly requestControls: ManagedProcess;
  readonly requestControlsUrl: string;
  /** Present when `databases.engine` was given. */
  readonly engine: ManagedProcess | undefined;
  readonly gateway: RunningService;
  readonly bus: EventBus;
  /** Starts another request controls on the same database, installing another bootstrap admin. */
  startRequestControls(name: string, admin: BootstrapAdmin): Promise<ManagedProcess>;
  stop(): Promise<void>;
}

async function ready(name: string, port: number, proc: ManagedProcess): Promise<void> {
  await waitUntil(name, async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, {
    timeoutMs: 120_000,
  }).catch((err: unknown) => {
    throw new Error(`${String(err)}\n${proc.output().slice(-4000)}`);
  });
}

export async function startGatewayStack(options: GatewayStackOptions): Promise<GatewayStack> {
  const databases: TestDatabaseHandle[] = [];
  const processes: ManagedProcess[] = [];
  let kafka: TestKafka | undefined;
  let gateway: RunningService | undefined;
  let bus: EventBus | undefined;
  const stop = async () => {
    await bus?.close();
    await gateway?.close();
    await Promise.all(processes.map((p) => p.stop()));
    await kafka?.stop();
    await Promise.all(databases.map((db) => db.drop()));
  };
  try {
    const engineDbPrefix = options.databases.engine;
    const [rcDb, engineDb, kafkaMock] = await Promise.all([
      createTestDatabase({ prefix: options.databases.requestControls }),
      engineDbPrefix === undefined ? undefined : createTestDatabase({ prefix: engineDbPrefix }),
      startTestKafka(),
    ]);
    kafka = kafkaMock;
    databases.push(rcDb, ...(engineDb ? [engineDb] : []));
    const common = {
      KEEL_KAFKA_BROKERS: kafkaMock.bootstrapServers,
      KEEL_LOG_LEVEL: options.serviceLogLevel,
    };
    const spawnRequestControls = async (name: string, admin: BootstrapAdmin) => {
      const port = await freePort();
      const proc = startProcess({
        entry: 'services/request-controls/src/main.ts',
        name,
        env: {
          ...common,
          KEEL_DATABASE_URL: rcDb.url,
          KEEL_HTTP_PORT: String(port),
          KEEL_BOOTSTRAP_ADMIN_KEY: admin.adminKey,
          KEEL_BOOTSTRAP_ORGANIZATION: admin.organization,
          ...options.requestControlsEnv,
        },
      });
      processes.push(proc);
      return { proc, port };
    };
    const rc = await spawnRequestControls('request-controls', options.admin);
    let engine: { proc: ManagedProcess; port: number } | undefined;
    if (engineDb) {
      const port = await freePort();
      const proc = startProcess({
        entry: 'services/execution-engine/src/main.ts',
        name: 'execution-engine',
        env: {
          ...common,
          KEEL_DATABASE_URL: engineDb.url,
          KEEL_HTTP_PORT: String(port),
          KEEL_CHAIN_ID: '31337',
        },
      });
      processes.push(proc);
      engine = { proc, port };
    }
    await Promise.all([
      ready('request-controls', rc.port, rc.proc),
      engine ? ready('execution-engine', engine.port, engine.proc) : undefined,
    ]);
    const requestControlsUrl = `http://127.0.0.1:${rc.port}`;
    gateway = await startGateway(
      {
        KEEL_HTTP_PORT: String(await freePort()),
        KEEL_INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
        KEEL_KAFKA_BROKERS: kafkaMock.bootstrapServers,
        KEEL_REQUEST_CONTROLS_URL: requestControlsUrl,
        // Port 9 (discard): nothing answers there.
        KEEL_EXECUTION_ENGINE_URL: `http://127.0.0.1:${engine?.port ?? 9}`,
        KEEL_COMPLIANCE_SIMULATOR_URL: 'http://127.0.0.1:9',
        ...(options.gatewayLogger ? {} : { KEEL_LOG_LEVEL: 'silent' }),
        ...options.gatewayEnv,
      },
      options.gatewayLogger,
    );
    const { clientId, ...subscription } = options.client;
    bus = new EventBus(
      new KafkaBusDriver({ brokers: kafkaMock.brokers, clientId, kafkaLogLevel: 'nothing' }),
    );
    const sub = await bus.subscribe(subscription);
    await sub.ready;
    return {
      kafka: kafkaMock,
      requestControlsDb: rcDb,
      requestControls: rc.proc,
      requestControlsUrl,
      engine: engine?.proc,
      gateway,
      bus,
      async startRequestControls(name, admin) {
        const another = await spawnRequestControls(name, admin);
        await ready(name, another.port, another.proc);
        return another.proc;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
