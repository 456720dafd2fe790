import { type ConfigOf, loadConfig, shapes, variable } from '@keel/config';
import {
  busVariables,
  httpVariables,
  internalAuthVariables,
  logVariables,
} from '@keel/service-runtime';

export const complianceSimulatorVariables = {
  ...logVariables,
  ...internalAuthVariables,
  ...busVariables,
  ...httpVariables,
  rpcUrl: variable({
    env: 'KEEL_RPC_URL',
    schema: shapes.url(['http', 'https']),
    description: 'JSON-RPC URL of the EVM node simulations run against',
    fix: 'Set KEEL_RPC_URL=http://127.0.0.1:8545',
    sensitive: true,
  }),
  chainId: variable({
    env: 'KEEL_CHAIN_ID',
    schema: shapes.positiveInt(),
    description: 'EVM chain id of the node',
    fix: 'Set KEEL_CHAIN_ID (31337 for anvil).',
  }),
};
export type ComplianceSimulatorConfig = ConfigOf<typeof complianceSimulatorVariables>;

export function loadComplianceSimulatorConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return loadConfig('compliance-simulator', complianceSimulatorVariables, env);
}
