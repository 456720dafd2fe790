import { type ConfigOf, loadConfig, variable } from '@keel/config';
import {
  busVariables,
  databaseVariables,
  httpVariables,
  internalAuthVariables,
  logVariables,
} from '@keel/service-runtime';
import { z } from 'zod';
import { ingressVariables } from './ingress/ingress.variables';
import { sessionVariables } from './sessions/session.variables';

/** `REQUEST_CONTROLS_ENCRYPTION_KEY`: base64 (or base64url) of exactly 32 bytes; null otherwise. */
export function decodeEncryptionKey(value: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]{43}=$|^[A-Za-z0-9_-]{43}$/.test(value)) return null;
  const key = Buffer.from(value, /[+/=]/.test(value) ? 'base64' : 'base64url');
  return key.length === 32 ? key : null;
}

export const requestControlsVariables = {
  ...logVariables,
  ...internalAuthVariables,
  ...busVariables,
  ...databaseVariables,
  ...httpVariables,
  ...ingressVariables,
  ...sessionVariables,
  bootstrapAdminKey: variable({
    env: 'KEEL_BOOTSTRAP_ADMIN_KEY',
    schema: z
      .string()
      .regex(/^keel_[0-9a-z]{8,32}_[0-9A-Za-z_-]{32,}$/, 'must look like keel_<id>_<secret>'),
    description: 'an admin API key to install at startup (first boot, embedded mode)',
    fix: 'Leave unset, or set a key of the form keel_<id>_<secret of at least 32 characters>.',
    sensitive: true,
    default: '',
  }),
  bootstrapOrganization: variable({
    env: 'KEEL_BOOTSTRAP_ORGANIZATION',
    schema: z.string().min(1).max(128),
    description: 'organization the bootstrap admin key belongs to',
    fix: 'Set KEEL_BOOTSTRAP_ORGANIZATION to an organization id.',
    default: 'default',
  }),
  encryptionKey: variable<Buffer | null>({
    env: 'REQUEST_CONTROLS_ENCRYPTION_KEY',
    schema: z
      .string()
      .refine((v) => decodeEncryptionKey(v) !== null, 'must be 32 random bytes in base64')
      .transform((v) => decodeEncryptionKey(v)),
    description:
      'AES-256-GCM key sealing the secrets request controls must recover (ingress signing keys)',
    fix: 'Generate one with `openssl rand -base64 32` and keep it in a secret store; without it, API keys created meanwhile cannot sign ingress messages.',
    sensitive: true,
    default: null,
  }),
};

export type RequestControlsConfig = ConfigOf<typeof requestControlsVariables>;

export function loadRequestControlsConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return loadConfig('request-controls', requestControlsVariables, env);
}
