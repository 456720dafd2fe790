import { busVariables, httpVariables, logVariables } from '@keel/service-runtime';
import { chainRpcUrls } from '@keel/chain';
import { type ConfigOf, loadConfig, shapes, variable } from '@keel/config';
import { z } from 'zod';

export const chainGatewayVariables = {
  ...busVariables,
  httpHost: httpVariables.httpHost,
  ...logVariables,
  databaseUrl: variable({
    env: 'KEEL_DATABASE_URL',
    schema: shapes.url(['postgres', 'postgresql']),
    description:
      'PostgreSQL URL of the chain-gateway database (tracked transactions, block cursor, inbox, outbox)',
    fix: 'Set KEEL_DATABASE_URL=postgres://user@host:5432/chain_gateway',
    sensitive: true,
  }),
  rpcUrls: variable({
    env: 'KEEL_CHAIN_RPC_URLS',
    // RPC URLs of hosted providers embed API keys.
    schema: chainRpcUrls(),
    description: 'RPC upstreams per chain: <chainId>=<url>[,<url>…][;<chainId>=…]',
    fix: 'Set KEEL_CHAIN_RPC_URLS=31337=http://127.0.0.1:8545,http://127.0.0.1:8546',
    sensitive: true,
  }),
  confirmations: variable({
    env: 'KEEL_CONFIRMATIONS',
    schema: shapes.positiveInt(),
    description: 'confirmations before a receipt is final (when broadcast.requested does not say)',
    fix: 'Set KEEL_CONFIRMATIONS=1 for dev chains, more for public networks',
    default: 1,
  }),
  reorgWindow: variable({
    env: 'KEEL_REORG_WINDOW_BLOCKS',
    schema: shapes.positiveInt(),
    description:
      'how many blocks a confirmed transaction and the log stream are watched for reorgs',
    fix: 'Set KEEL_REORG_WINDOW_BLOCKS=64',
    default: 64,
  }),
  pollIntervalMs: variable({
    env: 'KEEL_POLL_INTERVAL_MS',
    schema: shapes.positiveInt(),
    description: 'how often receipts and new blocks are polled',
    fix: 'Set KEEL_POLL_INTERVAL_MS=1000',
    default: 1_000,
  }),
  logsFromBlock: variable({
    env: 'KEEL_LOGS_FROM_BLOCK',
    schema: z.union([z.literal('latest'), z.coerce.number().int().nonnegative()]),
    description:
      'first block of the chain.logs stream when no cursor is stored (a number, or latest)',
    fix: 'Set KEEL_LOGS_FROM_BLOCK=latest or a block number',
    default: 'latest' as const,
  }),
  healthCheckIntervalMs: variable({
    env: 'KEEL_RPC_HEALTH_CHECK_INTERVAL_MS',
    schema: shapes.positiveInt(),
    description: 'how often RPC upstreams are probed',
    fix: 'Set KEEL_RPC_HEALTH_CHECK_INTERVAL_MS=10000',
    default: 10_000,
  }),
  fault: variable({
    env: 'KEEL_FAULT',
    schema: z.enum(['none', 'crash-after-broadcast']),
    description:
      'TEST ONLY fault injection, honoured only when NODE_ENV=test: crash-after-broadcast SIGKILLs the process right after a node accepted a transaction, before its hash is stored (the crash test of the signing flow)',
    fix: 'Leave KEEL_FAULT unset (none) outside tests',
    default: 'none' as const,
  }),
  httpPort: variable({
    env: 'KEEL_HTTP_PORT',
    schema: shapes.port(),
    description: 'port of the health endpoint',
    fix: 'Set KEEL_HTTP_PORT to a free TCP port',
    default: 3107,
  }),
};

export type ChainGatewayConfig = ConfigOf<typeof chainGatewayVariables>;

export function loadChainGatewayConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ChainGatewayConfig {
  return loadConfig('chain-gateway', chainGatewayVariables, env);
}
