import { type ConfigOf, loadConfig, shapes, variable } from '@keel/config';
import {
  busVariables,
  databaseVariables,
  httpVariables,
  internalAuthVariables,
  logVariables,
} from '@keel/service-runtime';
import { z } from 'zod';

export const executionEngineVariables = {
  ...logVariables,
  ...internalAuthVariables,
  ...busVariables,
  ...databaseVariables,
  ...httpVariables,
  chainId: variable({
    env: 'KEEL_CHAIN_ID',
    schema: shapes.positiveInt(),
    description: 'EVM chain id operations are executed on',
    fix: 'Set KEEL_CHAIN_ID (31337 for anvil).',
  }),
  defaultSigner: variable({
    env: 'KEEL_DEFAULT_SIGNER',
    schema: z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed address'),
    description: 'signer wallet used when an operation names none',
    fix: 'Set KEEL_DEFAULT_SIGNER to a wallet address managed by key-guardian, or send signer with each operation.',
    default: '',
  }),
  gasHeadroomPercent: variable({
    env: 'KEEL_GAS_HEADROOM_PERCENT',
    schema: shapes.nonNegativeInt(),
    description: 'percent added to the simulated gas estimate for the gas limit',
    fix: 'Set KEEL_GAS_HEADROOM_PERCENT to a non-negative integer (default 25).',
    default: 25,
  }),
  rpcUrl: variable({
    env: 'KEEL_RPC_URL',
    schema: z.union([z.literal(''), shapes.url(['http', 'https'])]),
    description:
      'JSON-RPC URL the engine reads the chain from while planning system, identity and issuance operations',
    fix: 'Set KEEL_RPC_URL=http://127.0.0.1:8545 (empty: only token operations can be planned).',
    default: '',
    sensitive: true,
  }),
  keyGuardianUrl: variable({
    env: 'KEEL_KEY_GUARDIAN_URL',
    schema: z.union([z.literal(''), shapes.url(['http', 'https'])]),
    description:
      'base URL of key-guardian, which signs claims with the trusted issuer key (claim.issue)',
    fix: 'Set KEEL_KEY_GUARDIAN_URL=http://127.0.0.1:<key-guardian port>.',
    default: '',
  }),
  complianceRetries: variable({
    env: 'KEEL_COMPLIANCE_RETRIES',
    schema: shapes.nonNegativeInt(),
    description: 'how often a simulation that could not run (RPC down) is asked again',
    fix: 'Set KEEL_COMPLIANCE_RETRIES to a non-negative integer (default 5).',
    default: 5,
  }),
};
export type ExecutionEngineConfig = ConfigOf<typeof executionEngineVariables>;

export function loadExecutionEngineConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return loadConfig('execution-engine', executionEngineVariables, env);
}
