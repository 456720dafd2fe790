import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { MissingDependencyError, NotReadyError } from './errors';
import { freePort, type ManagedProcess, spawnManaged, waitUntil } from './processes';
import { which } from './which';

/**
 * A real Apache Kafka 4.x cluster in KRaft mode, started from the jars that
 * infra/kafka/pom.xml resolves (infra/kafka/resolve.mjs, once, into an ignored
 * cache). Every node is a combined broker and controller; the cluster lives in
 * a fresh temporary folder that `stop()` removes.
 */

export interface KafkaNode {
  readonly nodeId: number;
  /** host:port of its client listener. */
  readonly broker: string;
  readonly logDir: string;
  /** The running JVM (replaced by `start()` after a kill). */
  readonly process: ManagedProcess;
  /** Kills the JVM (SIGKILL by default: no clean shutdown, as a crash). */
  kill(signal?: NodeJS.Signals): void;
  /** Starts it again on the same log dir and ports (after `kill`); resolves once it listens. */
  start(): Promise<void>;
}

export interface ApacheKafkaCluster {
  readonly kind: 'apache';
  readonly nodes: readonly KafkaNode[];
  readonly brokers: readonly string[];
  readonly bootstrapServers: string;
  /** Milliseconds from the call until the cluster answered metadata with every broker. */
  readonly startupMs: number;
  stop(): Promise<void>;
}

export interface ApacheKafkaOptions {
  /** Nodes, each broker and controller (default 1). 3 gives replication factor 3, min ISR 2. */
  readonly nodes?: number;
  /** Extra server.properties entries, for every node. */
  readonly serverProperties?: Readonly<Record<string, string | number | boolean>>;
}

/** Where the workspace is: the folder that holds infra/kafka/pom.xml. */
function workspaceRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'infra/kafka/pom.xml'))) return dir;
    if (dirname(dir) === dir) throw new Error('infra/kafka/pom.xml not found above ' + __dirname);
  }
}

/** True when this machine can run the Apache broker (java and mvn on PATH). */
export function canRunApacheKafka(): boolean {
  return which('java') !== undefined && which('mvn') !== undefined;
}

let jarsDir: string | undefined;

/** The folder of the broker's jars, resolved through Maven the first time (minutes, once). */
export function kafkaJarsDir(): string {
  if (jarsDir) return jarsDir;
  if (!which('java'))
    throw new MissingDependencyError(
      'java',
      'a Java 17 runtime (Debian: openjdk-17-jre-headless)',
      'apt-get install -y openjdk-17-jre-headless',
    );
  if (!which('mvn'))
    throw new MissingDependencyError(
      'mvn',
      'Apache Maven (Debian: maven)',
      'apt-get install -y maven',
    );
  const r = spawnSync(process.execPath, [join(workspaceRoot(), 'infra/kafka/resolve.mjs')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const dir = r.stdout?.trim();
  if (r.status !== 0 || !dir) throw new Error(`infra/kafka/resolve.mjs failed (exit ${r.status})`);
  jarsDir = dir;
  return dir;
}

/**
 * JVM flags for a test broker: a small heap and the serial collector (2 cores
 * shared by everything), C1 only and class-data sharing for a fast start; the
 * broker's hot paths never get warm enough in a test run to pay for C2.
 */
function jvmFlags(heapMb: number, log4jConfig: string): string[] {
  return [
    `-Xms${Math.min(128, heapMb)}m`,
    `-Xmx${heapMb}m`,
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Xshare:auto',
    '-XX:-UsePerfData',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${log4jConfig}`,
  ];
}

// Warnings and errors only, plus the line that says the server is up.
const log4j = `status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.out.ref = out
logger.started.name = kafka.server.KafkaRaftServer
logger.started.level = INFO
`;

function properties(entries: Record<string, string | number | boolean>): string {
  return Object.entries(entries)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join('\n');
}

/**
 * Starts the cluster; resolves when every broker answers metadata, the
 * controller is elected, and the group and transaction coordinators are
 * loaded (so the first consumer group and idempotent producer of a test do
 * not wait for them).
 */
export async function startApacheKafka(
  options: ApacheKafkaOptions = {},
): Promise<ApacheKafkaCluster> {
  const started = Date.now();
  const n = options.nodes ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new Error(`nodes must be a positive integer, got ${n}`);
  const lib = kafkaJarsDir();
  const root = mkdtempSync(join(tmpdir(), 'keel-kafka-'));
  const log4jConfig = join(root, 'log4j2.properties');
  writeFileSync(log4jConfig, log4j);
  const ports = await Promise.all(
    Array.from({ length: n }, async () => ({
      broker: await freePort(),
      controller: await freePort(),
    })),
  );
  const voters = ports.map((p, i) => `${i + 1}@127.0.0.1:${p.controller}`).join(',');
  const rf = Math.min(3, n);
  const minIsr = Math.min(2, rf);
  const heapMb = n === 1 ? 512 : 320;
  // Kafka's cluster ids are 16 random bytes in URL-safe base64 (StorageTool random-uuid). Like
  // Kafka's Uuid.randomUuid, never one that starts with '-': the storage tool's argument parser
  // reads `--cluster-id -x…` as a missing value and another flag (1 start in 64 failed so).
  let clusterId = randomBytes(16).toString('base64url');
  while (clusterId.startsWith('-')) clusterId = randomBytes(16).toString('base64url');
  const java = which('java')!;
  // The JVM dies with the test process even when that is SIGKILLed (no exit hook runs then).
  const setpriv = which('setpriv');
  const launch = (args: string[]): [string, string[]] =>
    setpriv ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', java, ...args]] : [java, args];

  const configs = ports.map((p, i) => {
    const nodeId = i + 1;
    const logDir = join(root, `node-${nodeId}`);
    const file = join(root, `server-${nodeId}.properties`);
    writeFileSync(
      file,
      properties({
        'process.roles': 'broker,controller',
        'node.id': nodeId,
        'controller.quorum.voters': voters,
        listeners: `PLAINTEXT://127.0.0.1:${p.broker},CONTROLLER://127.0.0.1:${p.controller}`,
        'advertised.listeners': `PLAINTEXT://127.0.0.1:${p.broker}`,
        'controller.listener.names': 'CONTROLLER',
        'inter.broker.listener.name': 'PLAINTEXT',
        'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        'log.dirs': logDir,
        // Catalog topics are created through the admin API (createCatalogTopics); a test's
        // own ad-hoc topic is auto-created with 4 partitions, as the mock cluster did.
        'auto.create.topics.enable': true,
        'num.partitions': 4,
        'default.replication.factor': rf,
        'min.insync.replicas': minIsr,
        'offsets.topic.replication.factor': rf,
        'offsets.topic.num.partitions': 4,
        'transaction.state.log.replication.factor': rf,
        'transaction.state.log.min.isr': minIsr,
        'transaction.state.log.num.partitions': 4,
        'share.coordinator.state.topic.replication.factor': rf,
        'share.coordinator.state.topic.min.isr': minIsr,
        // A group forms as soon as its first member joins (the default waits 3 s).
        'group.initial.rebalance.delay.ms': 0,
        // Tests use short consumer sessions (the default minimum is 6 s).
        'group.min.session.timeout.ms': 1000,
        // A killed broker is fenced after 3 s instead of 9 (the failure tests).
        'broker.session.timeout.ms': 3000,
        'broker.heartbeat.interval.ms': 500,
        // Few threads and a small cleaner buffer (its 128 MiB default is heap).
        'num.network.threads': 2,
        'num.io.threads': 4,
        'background.threads': 2,
        'num.recovery.threads.per.data.dir': 1,
        'num.replica.fetchers': 1,
        'log.cleaner.threads': 1,
        'log.cleaner.dedupe.buffer.size': 8 * 1024 * 1024,
        ...options.serverProperties,
      }),
    );
    return { nodeId, logDir, file, broker: `127.0.0.1:${p.broker}` };
  });

  // Format every node's log dir with the one cluster id (kafka-storage format).
  await Promise.all(
    configs.map(async (c) => {
      const [cmd, args] = launch([
        ...jvmFlags(128, log4jConfig),
        '-cp',
        join(lib, '*'),
        'kafka.tools.StorageTool',
        'format',
        '-t',
        clusterId,
        '-c',
        c.file,
      ]);
      const proc = spawnManaged(cmd, args, { name: `kafka-storage format (node ${c.nodeId})` });
      const code = await proc.exited;
      if (code !== 0)
        throw new Error(`kafka-storage format failed (exit ${code}):\n${proc.output()}`);
    }),
  );

  const nodes = configs.map((c): KafkaNode & { process: ManagedProcess } => {
    const spawnNode = (): ManagedProcess => {
      const [cmd, args] = launch([
        ...jvmFlags(heapMb, log4jConfig),
        '-cp',
        join(lib, '*'),
        'kafka.Kafka',
        c.file,
      ]);
      return spawnManaged(cmd, args, { name: `kafka broker ${c.nodeId}` });
    };
    const node = {
      nodeId: c.nodeId,
      broker: c.broker,
      logDir: c.logDir,
      process: spawnNode(),
      kill(signal: NodeJS.Signals = 'SIGKILL') {
        node.process.kill(signal);
      },
      async start() {
        if (node.process.child.exitCode === null && node.process.child.signalCode === null)
          throw new Error(`kafka broker ${c.nodeId} is still running`);
        node.process = spawnNode();
        await node.process.waitForOutput(/Kafka Server started/, 60_000);
      },
    };
    return node;
  });

  const brokers = configs.map((c) => c.broker);
  const stop = async (): Promise<void> => {
    // SIGKILL: the log dirs are thrown away, so a clean shutdown (seconds) buys nothing.
    await Promise.all(nodes.map((node) => node.process.stop(0)));
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      nodes.map((node) => node.process.waitForOutput(/Kafka Server started/, 90_000)),
    );
    await waitForCluster(brokers, n, 60_000);
  } catch (err) {
    const output = nodes.map((node) => node.process.output().slice(-2000)).join('\n');
    await stop();
    throw new NotReadyError(
      `Apache Kafka (${n} node${n > 1 ? 's' : ''})`,
      90_000,
      `${String(err)}\n${output}`,
    );
  }
  return {
    kind: 'apache',
    nodes,
    brokers,
    bootstrapServers: brokers.join(','),
    startupMs: Date.now() - started,
    stop,
  };
}

/**
 * Waits until the cluster reports `expectedBrokers` brokers and an elected
 * controller among them, then loads the group coordinator (a group lookup
 * creates __consumer_offsets) and the transaction coordinator (an idempotent
 * producer's InitProducerId creates __transaction_state).
 */
async function waitForCluster(
  brokers: readonly string[],
  expectedBrokers: number,
  timeoutMs: number,
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'keel-test-harness',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await waitUntil(
      'kafka metadata',
      async () => {
        await admin.connect();
        const { brokers: seen, controller } = await admin.describeCluster();
        return seen.length === expectedBrokers && seen.some((b) => b.nodeId === controller);
      },
      { timeoutMs, intervalMs: 100 },
    );
    await waitUntil(
      'kafka group coordinator',
      async () => {
        await admin.describeGroups(['keel-test-harness-warmup']);
        return true;
      },
      { timeoutMs, intervalMs: 100 },
    );
  } finally {
    await admin.disconnect();
  }
  await waitUntil(
    'kafka transaction coordinator',
    async () => {
      // Its own client: an idempotent producer refuses a client without retries.
      const producer = new Kafka({
        clientId: 'keel-test-harness',
        brokers: [...brokers],
        logLevel: logLevel.NOTHING,
      }).producer({ idempotent: true, maxInFlightRequests: 1 });
      try {
        await producer.connect();
        return true;
      } finally {
        await producer.disconnect();
      }
    },
    { timeoutMs, intervalMs: 200 },
  );
}
