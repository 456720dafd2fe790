import { existsSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { provisionedTopics } from '@keel/events';
import { Kafka, logLevel } from 'kafkajs';
import { MissingDependencyError, NotReadyError } from './errors';
import {
  type ApacheKafkaCluster,
  canRunApacheKafka,
  type KafkaNode,
  startApacheKafka,
} from './kafka-broker';
import { type ManagedProcess, spawnManaged, waitUntil } from './processes';
import { which } from './which';

export { which } from './which';
export {
  type ApacheKafkaCluster,
  type ApacheKafkaOptions,
  canRunApacheKafka,
  kafkaJarsDir,
  type KafkaNode,
  startApacheKafka,
} from './kafka-broker';

/** The Kafka a suite runs on, whichever `startTestKafka` chose. */
export interface TestKafka {
  /**
   * apache: a local Apache Kafka broker started for this suite; external: the
   * broker named by KEEL_TEST_KAFKA_BROKERS; mock: librdkafka's mock cluster.
   */
  readonly kind: 'apache' | 'external' | 'mock';
  /** host:port of every broker, for kafkajs `brokers`. */
  readonly brokers: readonly string[];
  /** Comma-separated, for KEEL_KAFKA_BROKERS. */
  readonly bootstrapServers: string;
  /** The processes the harness started for it (none for an external broker). */
  readonly processes: readonly ManagedProcess[];
  /** The nodes of a local Apache cluster (kill, restart), for failure tests. */
  readonly nodes: readonly KafkaNode[];
  stop(): Promise<void>;
}

export interface TestKafkaOptions {
  /**
   * Nodes of a local Apache cluster (default 1). Ignored by an external broker
   * and the mock; a failure test that needs several checks `nodes.length`.
   */
  readonly nodes?: number;
}

/**
 * Kafka for a suite. In order:
 *   1. KEEL_TEST_KAFKA_BROKERS (comma-separated host:port): an external broker,
 *      e.g. `apache/kafka` in Docker. Catalog topics are deleted and created
 *      anew, so the suite starts on empty topics, as on a fresh broker.
 *   2. A local Apache Kafka 4.x broker (KRaft, fresh log dir) when `java` and
 *      `mvn` are on PATH (infra/kafka resolves its jars once).
 *   3. librdkafka's mock cluster through kcat, with one warning line saying
 *      what it cannot test. Under CI (CI=true) this is an error instead: CI
 *      must test on the real broker.
 * KEEL_TEST_KAFKA=mock picks the mock on purpose (to compare with it, as the
 * benchmarks do), with the same warning.
 * On 1 and 2 every catalog topic and its dead-letter topic are created through
 * the admin API, sized by @keel/events (as the k8s manifests are); the mock
 * auto-creates them with 4 partitions.
 *
 * One broker per suite, not one per test run: services use the catalog's
 * topic names and fixed consumer groups, so suites sharing a broker would read
 * each other's events and committed offsets.
 */
export async function startTestKafka(options: TestKafkaOptions = {}): Promise<TestKafka> {
  if (process.env['KEEL_TEST_KAFKA'] === 'mock') return startMock('KEEL_TEST_KAFKA=mock');
  const external = (process.env['KEEL_TEST_KAFKA_BROKERS'] ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (external.length > 0) {
    await createCatalogTopics(external, { recreate: true });
    return {
      kind: 'external',
      brokers: external,
      bootstrapServers: external.join(','),
      processes: [],
      nodes: [],
      stop: async () => undefined,
    };
  }
  if (canRunApacheKafka()) {
    const cluster = await startApacheKafka({ nodes: options.nodes ?? 1 });
    try {
      await createCatalogTopics(cluster.brokers);
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return fromCluster(cluster);
  }
  const missing = ['java', 'mvn'].filter((t) => !which(t)).join(' and ');
  if (process.env['CI'] === 'true') {
    throw new MissingDependencyError(
      missing,
      'Java 17 and Maven (Debian: openjdk-17-jre-headless, maven), which run the Apache Kafka broker CI must test on',
      'apt-get install -y openjdk-17-jre-headless maven',
      'CI=true does not fall back to the librdkafka mock cluster',
    );
  }
  return startMock(
    `${missing} not found; set KEEL_TEST_KAFKA_BROKERS or install Java 17 and Maven`,
  );
}

async function startMock(why: string): Promise<TestKafka> {
  warnMockOnce(why);
  const mock = await startKafkaMock({ brokers: 1 });
  return { ...mock, kind: 'mock', processes: [mock.process], nodes: [] };
}

function fromCluster(cluster: ApacheKafkaCluster): TestKafka {
  return {
    kind: 'apache',
    brokers: cluster.brokers,
    bootstrapServers: cluster.bootstrapServers,
    get processes() {
      return cluster.nodes.map((node) => node.process);
    },
    nodes: cluster.nodes,
    stop: () => cluster.stop(),
  };
}

/** One line per test run (vitest's forks share its pid as their parent), not one per suite. */
function warnMockOnce(why: string): void {
  const marker = join(tmpdir(), `keel-kafka-mock-warned-${process.ppid}`);
  if (existsSync(marker)) return;
  writeFileSync(marker, '');
  process.stderr.write(
    `WARNING: Kafka tests run on librdkafka's mock cluster (${why}): ` +
      'it cannot run the admin API or the idempotent producer, auto-creates topics with 4 partitions, ' +
      'returns one record batch per partition per fetch, and cannot fail like a broker — ' +
      'batching, topic sizing and broker failures go untested.\n',
  );
}

export interface CatalogTopicsOptions {
  /** Delete the catalog topics first (an external broker shared between suites). */
  readonly recreate?: boolean;
}

/**
 * Creates every catalog topic and its dead-letter topic with the partitions,
 * retention and min.insync.replicas of `provisionedTopics` (the k8s manifests'
 * source); replication is capped at the number of brokers (a single test
 * broker holds one replica). Resolves when every partition has a leader.
 */
export async function createCatalogTopics(
  brokers: readonly string[],
  options: CatalogTopicsOptions = {},
): Promise<void> {
  const kafka = new Kafka({
    clientId: 'keel-test-harness',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const names = provisionedTopics.map((t) => t.name);
    if (options.recreate) {
      const existing = new Set(await admin.listTopics());
      const stale = names.filter((t) => existing.has(t));
      if (stale.length > 0) {
        await admin.deleteTopics({ topics: stale, timeout: 30_000 });
        // Deletion is asynchronous: wait until the names are free again.
        await waitUntil(
          'catalog topics deleted',
          async () => {
            const left = new Set(await admin.listTopics());
            return stale.every((t) => !left.has(t));
          },
          { timeoutMs: 60_000, intervalMs: 200 },
        );
      }
    }
    const { brokers: cluster } = await admin.describeCluster();
    await waitUntil(
      'catalog topics created',
      async () => {
        const existing = new Set(await admin.listTopics());
        const topics = provisionedTopics
          .filter((t) => !existing.has(t.name))
          .map(({ name, sizing }) => {
            const replicationFactor = Math.min(sizing.replicas, cluster.length);
            return {
              topic: name,
              numPartitions: sizing.partitions,
              replicationFactor,
              configEntries: [
                { name: 'retention.ms', value: String(sizing.retentionMs) },
                {
                  name: 'min.insync.replicas',
                  value: String(Math.min(sizing.minInsyncReplicas, replicationFactor)),
                },
                { name: 'cleanup.policy', value: 'delete' },
              ],
            };
          });
        if (topics.length > 0) await admin.createTopics({ topics, waitForLeaders: true });
        return true;
      },
      { timeoutMs: 60_000, intervalMs: 500 },
    );
  } finally {
    await admin.disconnect();
  }
}

export interface KafkaMockOptions {
  /** Number of mock brokers (default 3). */
  brokers?: number;
}

export interface KafkaMockHandle {
  /** host:port of every broker, for kafkajs `brokers`. */
  readonly brokers: readonly string[];
  /** Comma-separated, as librdkafka prints it. */
  readonly bootstrapServers: string;
  readonly process: ManagedProcess;
  stop(): Promise<void>;
}

function kcatBinary(): string {
  const found = process.env['KEEL_KCAT_BIN'] ?? which('kcat');
  if (!found) {
    throw new MissingDependencyError(
      'kcat',
      'the Debian package kcat (librdkafka mock cluster)',
      'apt-get install -y kcat',
    );
  }
  return found;
}

function tcpOpen(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const sock = connect({ host: host ?? '127.0.0.1', port: Number(port) });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Starts librdkafka's mock cluster (a real Kafka protocol implementation)
 * through kcat: the fallback of `startTestKafka` on a machine without Java.
 * The cluster auto-creates topics with 4 partitions; it reports controller id
 * 0, so admin createTopics and the idempotent producer do not work against it.
 */
export async function startKafkaMock(options: KafkaMockOptions = {}): Promise<KafkaMockHandle> {
  const bin = kcatBinary();
  const n = options.brokers ?? 3;
  const proc = spawnManaged(
    bin,
    [
      '-X',
      `test.mock.num.brokers=${n}`,
      '-d',
      'mock',
      '-b',
      'mock:9092',
      '-C',
      '-t',
      '__keel_keepalive',
      '-q',
    ],
    { name: 'kcat mock cluster' },
  );
  let bootstrapServers: string;
  try {
    const m = await proc.waitForOutput(/bootstrap\.servers=([0-9.:,]+)/, 15_000);
    bootstrapServers = m[1] ?? '';
  } catch (err) {
    await proc.stop();
    throw new NotReadyError('kafka mock cluster', 15_000, (err as Error).message);
  }
  // The mock logs every request at debug level; stop retaining it once parsed.
  proc.child.stderr?.removeAllListeners('data');
  proc.child.stderr?.resume();
  const brokers = bootstrapServers.split(',').filter(Boolean);
  await waitUntil('kafka mock brokers', async () =>
    (await Promise.all(brokers.map(tcpOpen))).every(Boolean),
  );
  return { brokers, bootstrapServers, process: proc, stop: () => proc.stop() };
}
