import { busVariables, httpVariables, logVariables } from '@keel/service-runtime';
import { ConfigError, type ConfigOf, loadConfig, shapes, variable } from '@keel/config';

export const indexerVariables = {
  ...busVariables,
  httpHost: httpVariables.httpHost,
  ...logVariables,
  databaseUrl: variable({
    env: 'KEEL_DATABASE_URL',
    schema: shapes.url(['postgres', 'postgresql']),
    description:
      'PostgreSQL URL of the indexer database (read models, checkpoints, journal, inbox)',
    fix: 'Set KEEL_DATABASE_URL=postgres://user@host:5432/indexer',
    sensitive: true,
  }),
  source: variable({
    env: 'KEEL_INDEXER_SOURCE',
    schema: shapes.oneOf(['bus', 'rpc'] as const),
    description:
      'where logs come from: bus (the chain-gateway keel.chain.logs.v1 stream) or rpc (eth_getLogs poller)',
    fix: 'Set KEEL_INDEXER_SOURCE=bus, or rpc with KEEL_CHAIN_ID and KEEL_RPC_URLS',
    default: 'bus' as const,
  }),
  chainId: variable({
    env: 'KEEL_CHAIN_ID',
    schema: shapes.nonNegativeInt(),
    description:
      'chain followed by the rpc source; in bus mode, the chain whose state (identity countries) is read over RPC (0: none)',
    fix: 'Set KEEL_CHAIN_ID=31337',
    default: 0,
  }),
  rpcUrls: variable({
    env: 'KEEL_RPC_URLS',
    // Hosted RPC URLs embed API keys.
    schema: shapes.csv(),
    description:
      'RPC upstreams of KEEL_CHAIN_ID, in preference order (comma-separated); required by the rpc source',
    fix: 'Set KEEL_RPC_URLS=http://127.0.0.1:8545',
    default: [] as string[],
    sensitive: true,
  }),
  fromBlock: variable({
    env: 'KEEL_INDEXER_FROM_BLOCK',
    schema: shapes.nonNegativeInt(),
    description: 'first block the rpc source indexes when the chain has no checkpoint',
    fix: 'Set KEEL_INDEXER_FROM_BLOCK to the deployment block of the system contracts',
    default: 0,
  }),
  batchBlocks: variable({
    env: 'KEEL_INDEXER_BATCH_BLOCKS',
    schema: shapes.positiveInt(),
    description: 'blocks per eth_getLogs range of the rpc source',
    fix: 'Set KEEL_INDEXER_BATCH_BLOCKS=500',
    default: 500,
  }),
  throttleMs: variable({
    env: 'KEEL_INDEXER_THROTTLE_MS',
    schema: shapes.nonNegativeInt(),
    description: 'pause after each applied block of the rpc source (catch-up throttle)',
    fix: 'Set KEEL_INDEXER_THROTTLE_MS=0',
    default: 0,
  }),
  reorgWindow: variable({
    env: 'KEEL_REORG_WINDOW_BLOCKS',
    schema: shapes.positiveInt(),
    description: 'how many blocks back a reorg can be rolled back (undo journal kept that long)',
    fix: 'Set KEEL_REORG_WINDOW_BLOCKS=64',
    default: 64,
  }),
  pollIntervalMs: variable({
    env: 'KEEL_POLL_INTERVAL_MS',
    schema: shapes.positiveInt(),
    description: 'how often the rpc source polls for new blocks',
    fix: 'Set KEEL_POLL_INTERVAL_MS=1000',
    default: 1_000,
  }),
  readMaxWaitMs: variable({
    env: 'KEEL_READ_MAX_WAIT_MS',
    schema: shapes.nonNegativeInt(),
    description:
      'how long a read with minBlock waits for the indexer to reach that block before answering 503 INDEXER_BEHIND',
    fix: 'Set KEEL_READ_MAX_WAIT_MS=3000',
    default: 3_000,
  }),
  httpPort: variable({
    env: 'KEEL_HTTP_PORT',
    schema: shapes.port(),
    description: 'port of the read endpoint and health',
    fix: 'Set KEEL_HTTP_PORT to a free TCP port',
    default: 3108,
  }),
};

export type IndexerConfig = ConfigOf<typeof indexerVariables>;

export function loadIndexerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): IndexerConfig {
  const config = loadConfig('indexer', indexerVariables, env);
  if (config.source === 'rpc' && (config.chainId === 0 || config.rpcUrls.length === 0))
    throw new ConfigError('indexer', [
      {
        env: 'KEEL_INDEXER_SOURCE',
        problem: 'rpc needs KEEL_CHAIN_ID and KEEL_RPC_URLS',
        fix: 'Set KEEL_CHAIN_ID=31337 and KEEL_RPC_URLS=http://127.0.0.1:8545, or KEEL_INDEXER_SOURCE=bus',
      },
    ]);
  return config;
}
