import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { InProcessBroker } from '@keel/bus';
import { internalTokenHeaders } from '@keel/http-problem';
import { loadChainGatewayConfig, startChainGateway } from '@keel/service-chain-gateway';
import { startComplianceSimulator } from '@keel/service-compliance-simulator';
import { startExecutionEngine } from '@keel/service-execution-engine';
import { startGateway } from '@keel/service-gateway';
import { loadIndexerConfig, startIndexer } from '@keel/service-indexer';
import { loadKeyGuardianConfig, startKeyGuardian } from '@keel/service-key-guardian';
import { startRequestControls } from '@keel/service-request-controls';
import {
  loadTransactionSignerConfig,
  startTransactionSigner,
} from '@keel/service-transaction-signer';
import { createLogger, type Logger } from '@keel/telemetry';
import { fund, type RunningAnvil, startAnvil } from './anvil';
import { type DataDir, type PlatformEndpoints } from './data-dir';
import {
  type DatabaseHost,
  pgliteHost,
  serverHost,
  type ServiceDatabase,
} from './database/databases';
import { freePort } from './ports';
import type { Progress } from './progress';
import { bootstrapSystem } from './system-bootstrap';

export const ORGANIZATION = 'default';
const CHAIN_ID = 31337;

type Env = Readonly<Record<string, string | undefined>>;

export interface PlatformOptions {
  readonly dataDir: DataDir;
  readonly env: Env;
  readonly progress: Progress;
}

export interface RunningPlatform {
  readonly endpoints: PlatformEndpoints;
  readonly operatorApiKey: string;
  readonly firstStart: boolean;
  readonly databases: DatabaseHost['kind'];
  readonly logFile: string;
  stop(): Promise<void>;
  /** Synchronous last resort on process exit: kills the chain process. */
  killNow(): void;
}

/**
 * Embedded mode: anvil, PostgreSQL (PGlite unless DATABASE_URL names a server),
 * the in-process bus and every service in this one process, the system
 * bootstrapped through the operations API, and an operator API key.
 */
export async function startPlatform(options: PlatformOptions): Promise<RunningPlatform> {
  const { dataDir, env, progress } = options;
  dataDir.ensure();
  const { secrets, created } = dataDir.secrets();
  const logStream: WriteStream = createWriteStream(dataDir.logFile, { flags: 'a', mode: 0o600 });
  const logLevel = (env['KEEL_LOG_LEVEL'] ?? 'info') as 'info';
  const loggerOf = (service: string): Logger =>
    createLogger({ service, level: logLevel, destination: logStream });
  const stops: { name: string; stop: () => Promise<void> }[] = [];
  let anvil: RunningAnvil | undefined;

  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) {
      progress.step(`stopping ${s.name}`);
      await s
        .stop()
        .catch((err: unknown) =>
          progress.step(`  ${s.name} did not stop cleanly: ${(err as Error).message}`),
        );
    }
    stops.length = 0;
    await new Promise<void>((resolve) => logStream.end(resolve));
  };

  try {
    anvil = await progress.run('starting anvil (chain state in the data dir)', () =>
      startAnvilOn(dataDir, env),
    );
    const chain = anvil;
    stops.push({ name: 'anvil', stop: () => chain.stop() });
    const rpcUrl = chain.rpcUrl;

    const serverUrl = env['DATABASE_URL'] ?? env['KEEL_DATABASE_URL'];
    const dbLog = loggerOf('pglite');
    const host = serverUrl
      ? serverHost(serverUrl)
      : pgliteHost(
          (n) => dataDir.pgDir(n),
          (service, waitedMs, holderStatement, waiterStatement) =>
            dbLog.warn(
              { database: service, waitedMs, holderStatement, waiterStatement },
              'a connection waits for the embedded database: another holds it in a transaction',
            ),
        );
    const dbs = new Map<string, ServiceDatabase>();
    await progress.run(
      serverUrl ? 'preparing databases on DATABASE_URL' : 'starting embedded PostgreSQL (PGlite)',
      async () => {
        for (const name of DB_SERVICES) {
          const db = await host.open(name);
          dbs.set(name, db);
          stops.push({ name: `database ${name}`, stop: () => db.close() });
        }
      },
    );
    const dbUrl = (name: string): string => dbs.get(name)!.url;
    const broker = new InProcessBroker();
    const base = {
      KEEL_BUS_DRIVER: 'in-process',
      KEEL_LOG_LEVEL: logLevel,
      KEEL_HTTP_HOST: '127.0.0.1',
      KEEL_TELEMETRY: env['KEEL_TELEMETRY'] ?? 'off',
      // Service-to-service auth of the internal APIs: one process, so a fresh secret per boot.
      KEEL_INTERNAL_TOKEN: randomBytes(32).toString('hex'),
    };
    const rpcs = `${chain.chainId}=${rpcUrl}`;
    const urls: Record<string, string> = {};
    const service = async (
      name: string,
      start: (port: number) => Promise<{ url: string; close(): Promise<void> }>,
      preferredPort = 0,
    ) => {
      const port = await freePort(preferredPort);
      const running = await progress.run(`starting ${name}`, () => start(port));
      urls[name] = `http://127.0.0.1:${port}`;
      stops.push({ name, stop: () => running.close() });
    };

    await service('request-controls', (port) =>
      startRequestControls(
        {
          ...base,
          KEEL_HTTP_PORT: String(port),
          KEEL_DATABASE_URL: dbUrl('request-controls'),
          KEEL_BOOTSTRAP_ADMIN_KEY: secrets.operatorApiKey,
          KEEL_BOOTSTRAP_ORGANIZATION: ORGANIZATION,
          REQUEST_CONTROLS_ENCRYPTION_KEY: secrets.requestControlsEncryptionKey,
        },
        loggerOf('request-controls'),
        broker,
      ),
    );
    await service('key-guardian', (port) =>
      startKeyGuardian(
        loadKeyGuardianConfig({
          ...base,
          KEEL_HTTP_PORT: String(port),
          KEEL_DATABASE_URL: dbUrl('key-guardian'),
          KEEL_KEYSTORE_MASTER_KEY: secrets.keystoreMasterKey,
        }),
        { logger: loggerOf('key-guardian'), broker },
      ),
    );
    const operatorWallet = await progress.run('operator signer wallet', () =>
      ensureOperatorWallet(dataDir, urls['key-guardian']!, secrets.internalToken, rpcUrl),
    );
    await service('compliance-simulator', (port) =>
      startComplianceSimulator(
        {
          ...base,
          KEEL_HTTP_PORT: String(port),
          KEEL_RPC_URL: rpcUrl,
          KEEL_CHAIN_ID: String(chain.chainId),
        },
        loggerOf('compliance-simulator'),
        broker,
      ),
    );
    await service('execution-engine', (port) =>
      startExecutionEngine(
        {
          ...base,
          KEEL_HTTP_PORT: String(port),
          KEEL_DATABASE_URL: dbUrl('execution-engine'),
          KEEL_CHAIN_ID: String(chain.chainId),
          KEEL_RPC_URL: rpcUrl,
          KEEL_KEY_GUARDIAN_URL: urls['key-guardian']!,
          KEEL_DEFAULT_SIGNER: operatorWallet,
        },
        loggerOf('execution-engine'),
        broker,
      ),
    );
    await service('transaction-signer', (port) =>
      startTransactionSigner(
        loadTransactionSignerConfig({
          ...base,
          KEEL_HTTP_PORT: String(port),
          KEEL_DATABASE_URL: dbUrl('transaction-signer'),
          KEEL_CHAIN_RPC_URLS: rpcs,
        }),
        { logger: loggerOf('transaction-signer'), broker },
      ),
    );
    await service('chain-gateway', (port) =>
      startChainGateway(
        loadChainGatewayConfig({
          ...base,
          KEEL_HTTP_PORT: String(port),
          KEEL_DATABASE_URL: dbUrl('chain-gateway'),
          KEEL_CHAIN_RPC_URLS: rpcs,
          KEEL_CONFIRMATIONS: '1',
          KEEL_POLL_INTERVAL_MS: '500',
        }),
        { logger: loggerOf('chain-gateway'), broker },
      ),
    );
    await service('indexer', (port) =>
      startIndexer(
        loadIndexerConfig({
          ...base,
          KEEL_HTTP_PORT: String(port),
          KEEL_DATABASE_URL: dbUrl('indexer'),
          KEEL_INDEXER_SOURCE: 'rpc',
          KEEL_CHAIN_ID: String(chain.chainId),
          KEEL_RPC_URLS: rpcUrl,
          KEEL_POLL_INTERVAL_MS: '500',
        }),
        { logger: loggerOf('indexer'), broker },
      ),
    );
    const gatewayPort = Number(env['KEEL_GATEWAY_PORT'] ?? 8080);
    await service(
      'gateway',
      (port) =>
        startGateway(
          {
            ...base,
            KEEL_HTTP_PORT: String(port),
            KEEL_REQUEST_CONTROLS_URL: urls['request-controls']!,
            KEEL_EXECUTION_ENGINE_URL: urls['execution-engine']!,
            KEEL_COMPLIANCE_SIMULATOR_URL: urls['compliance-simulator']!,
            KEEL_INDEXER_URL: urls['indexer']!,
            KEEL_KEY_GUARDIAN_URL: urls['key-guardian']!,
          },
          loggerOf('gateway'),
          broker,
        ),
      gatewayPort,
    );
    const gatewayUrl = urls['gateway']!;

    await progress.run('bootstrapping the system contracts (system.bootstrap)', () =>
      bootstrapSystem({
        gatewayUrl,
        apiKey: secrets.operatorApiKey,
        signer: operatorWallet,
        chainId: chain.chainId,
        progress,
      }),
    );

    await progress.run('gas wallet of the default organization (the operator wallet)', () =>
      ensureGasWallet(gatewayUrl, secrets.operatorApiKey, operatorWallet),
    );

    const endpoints: PlatformEndpoints = {
      gatewayUrl,
      openApiUrl: `${gatewayUrl}/api/v1/openapi.json`,
      rpcUrl,
      chainId: chain.chainId,
      organizationId: ORGANIZATION,
      operatorWallet,
      keyGuardianUrl: urls['key-guardian']!,
      pid: process.pid,
      anvilPid: chain.pid,
    };
    dataDir.publish(endpoints);
    return {
      endpoints,
      operatorApiKey: secrets.operatorApiKey,
      firstStart: created,
      databases: host.kind,
      logFile: dataDir.logFile,
      stop,
      killNow: () => anvil?.killNow(),
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Services owning a database. */
const DB_SERVICES = [
  'request-controls',
  'key-guardian',
  'execution-engine',
  'transaction-signer',
  'chain-gateway',
  'indexer',
] as const;

async function startAnvilOn(dataDir: DataDir, env: Env): Promise<RunningAnvil> {
  const port = await freePort(Number(env['KEEL_ANVIL_PORT'] ?? 8545));
  return startAnvil({ port, stateFile: dataDir.anvilState, chainId: CHAIN_ID });
}

/**
 * The default organization's gas wallet is the operator wallet (funded from the dev chain at
 * every start): `wallet.fund` without a signer sends from it. Set once, through the API, so
 * that settings an operator changed later (auto top-up, another gas wallet) are kept.
 */
async function ensureGasWallet(
  gatewayUrl: string,
  apiKey: string,
  operatorWallet: string,
): Promise<void> {
  const headers = { 'content-type': 'application/json', 'x-api-key': apiKey };
  const res = await fetch(`${gatewayUrl}/api/v1/gas-settings`, { headers });
  if (res.status !== 200) throw new Error(`gas settings: the gateway answered ${res.status}`);
  if (((await res.json()) as { sourceWallet: string | null }).sourceWallet) return;
  const put = await fetch(`${gatewayUrl}/api/v1/gas-settings`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ sourceWallet: operatorWallet, autoTopUp: false }),
  });
  if (put.status !== 200) throw new Error(`gas settings: the gateway answered ${put.status}`);
}

/** The operator's signer wallet in key-guardian, created once and funded for gas. */
async function ensureOperatorWallet(
  dataDir: DataDir,
  keyGuardianUrl: string,
  internalToken: string,
  rpcUrl: string,
): Promise<string> {
  const state = dataDir.state();
  let wallet = state['operatorWallet'];
  if (!wallet) {
    const res = await fetch(`${keyGuardianUrl}/internal/v1/wallets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...internalTokenHeaders() },
      body: JSON.stringify({ organizationId: ORGANIZATION, label: 'operator' }),
    });
    if (res.status !== 201) throw new Error(`operator wallet: key-guardian answered ${res.status}`);
    wallet = ((await res.json()) as { address: string }).address;
    dataDir.saveState({ ...state, operatorWallet: wallet });
  }
  await fund(rpcUrl, wallet, 10n ** 22n);
  return wallet;
}
