import { accessSync, constants } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { MissingDependencyError, NotReadyError } from './errors';
import { type ManagedProcess, spawnManaged, waitUntil } from './processes';

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

/** Finds an executable on PATH, like `command -v`. */
export function which(name: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
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
 * through kcat. The cluster auto-creates topics with 4 partitions; it reports
 * controller id 0, so admin createTopics and the idempotent producer do not
 * work against it.
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
