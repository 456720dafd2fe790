import { type ConfigOf, loadConfig, variable } from '@keel/config';
import {
  busVariables,
  databaseVariables,
  httpVariables,
  logVariables,
} from '@keel/service-runtime';
import { z } from 'zod';

export const requestControlsVariables = {
  ...logVariables,
  ...busVariables,
  ...databaseVariables,
  ...httpVariables,
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
};

export type RequestControlsConfig = ConfigOf<typeof requestControlsVariables>;

export function loadRequestControlsConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
) {
  return loadConfig('request-controls', requestControlsVariables, env);
}
