import {
  busVariables,
  httpVariables,
  internalAuthVariables,
  logVariables,
} from '@keel/service-runtime';
import { type ConfigOf, loadConfig, shapes, variable } from '@keel/config';
import { z } from 'zod';

export const keyGuardianVariables = {
  ...busVariables,
  httpHost: httpVariables.httpHost,
  ...logVariables,
  ...internalAuthVariables,
  databaseUrl: variable({
    env: 'KEEL_DATABASE_URL',
    schema: shapes.url(['postgres', 'postgresql']),
    description: 'PostgreSQL URL of the key-guardian database (keystore, inbox, outbox)',
    fix: 'Set KEEL_DATABASE_URL=postgres://user@host:5432/key_guardian',
    sensitive: true,
  }),
  masterKey: variable({
    env: 'KEEL_KEYSTORE_MASTER_KEY',
    schema: shapes.hex32(),
    description: 'master key that wraps every wallet data key (AES-256)',
    fix: 'Generate one with `openssl rand -hex 32` and keep it in a secret store',
    sensitive: true,
  }),
  masterKeyId: variable({
    env: 'KEEL_KEYSTORE_MASTER_KEY_ID',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be 1-64 letters, digits, dot, dash or underscore'),
    description: 'identifier of the master key, stored with each wrapped data key (for rotation)',
    fix: 'Set KEEL_KEYSTORE_MASTER_KEY_ID=v1 (change it when the master key rotates)',
    default: 'v1',
  }),
  approvalPollIntervalMs: variable({
    env: 'KEEL_APPROVAL_POLL_INTERVAL_MS',
    schema: shapes.positiveInt(),
    description: 'how often pending approvals past their deadline are refused (APPROVAL_TIMEOUT)',
    fix: 'Set KEEL_APPROVAL_POLL_INTERVAL_MS to a positive integer of milliseconds (default 1000).',
    default: 1000,
  }),
  httpPort: variable({
    env: 'KEEL_HTTP_PORT',
    schema: shapes.port(),
    description: 'port of the internal HTTP API (health, wallets)',
    fix: 'Set KEEL_HTTP_PORT to a free TCP port',
    default: 3106,
  }),
};

export type KeyGuardianConfig = ConfigOf<typeof keyGuardianVariables>;

export function loadKeyGuardianConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KeyGuardianConfig {
  return loadConfig('key-guardian', keyGuardianVariables, env);
}
