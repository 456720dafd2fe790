import { z } from 'zod';
import { signingFaults } from './lanes/signing-faults';
import { busVariables, httpVariables, logVariables } from '@keel/service-runtime';
import { chainRpcUrls } from '@keel/chain';
import { type ConfigOf, loadConfig, shapes, variable } from '@keel/config';

export const transactionSignerVariables = {
  ...busVariables,
  httpHost: httpVariables.httpHost,
  ...logVariables,
  databaseUrl: variable({
    env: 'KEEL_DATABASE_URL',
    schema: shapes.url(['postgres', 'postgresql']),
    description: 'PostgreSQL URL of the transaction-signer database (nonce lanes, inbox, outbox)',
    fix: 'Set KEEL_DATABASE_URL=postgres://user@host:5432/transaction_signer',
    sensitive: true,
  }),
  rpcUrls: variable({
    env: 'KEEL_CHAIN_RPC_URLS',
    // RPC URLs of hosted providers embed API keys.
    schema: chainRpcUrls(),
    description: 'RPC upstreams per chain: <chainId>=<url>[,<url>…][;<chainId>=…]',
    fix: 'Set KEEL_CHAIN_RPC_URLS=31337=http://127.0.0.1:8545',
    sensitive: true,
  }),
  maxFeePerGasCapGwei: variable({
    env: 'KEEL_MAX_FEE_PER_GAS_CAP_GWEI',
    schema: shapes.positiveInt(),
    description: 'upper bound of maxFeePerGas, in gwei (re-pricing never goes above it)',
    fix: 'Set KEEL_MAX_FEE_PER_GAS_CAP_GWEI=500',
    default: 500,
  }),
  stuckAfterMs: variable({
    env: 'KEEL_STUCK_AFTER_MS',
    schema: shapes.positiveInt(),
    description: 'age after which a signed transaction at the head of its lane is re-priced',
    fix: 'Set KEEL_STUCK_AFTER_MS=60000',
    default: 60_000,
  }),
  reconcileIntervalMs: variable({
    env: 'KEEL_RECONCILE_INTERVAL_MS',
    schema: shapes.nonNegativeInt(),
    description: 'how often nonce lanes are reconciled with the chain (0 disables the timer)',
    fix: 'Set KEEL_RECONCILE_INTERVAL_MS=5000',
    default: 5_000,
  }),
  fault: variable({
    env: 'KEEL_FAULT',
    schema: z.enum(['none', ...signingFaults]),
    description:
      'TEST ONLY fault injection, honoured only when NODE_ENV=test: tamper-signed-<field> makes the signed payload differ from the prepared one in that field (nonce, to, calldata, chainId, value, signer), to prove it is refused before broadcast',
    fix: 'Leave KEEL_FAULT unset (none) outside tests',
    default: 'none' as const,
  }),
  httpPort: variable({
    env: 'KEEL_HTTP_PORT',
    schema: shapes.port(),
    description: 'port of the health endpoint',
    fix: 'Set KEEL_HTTP_PORT to a free TCP port',
    default: 3105,
  }),
};

export type TransactionSignerConfig = ConfigOf<typeof transactionSignerVariables>;

export function loadTransactionSignerConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): TransactionSignerConfig {
  return loadConfig('transaction-signer', transactionSignerVariables, env);
}
