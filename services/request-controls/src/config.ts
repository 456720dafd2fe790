import { type ConfigOf, loadConfig, shapes, variable } from '@keel/config';
import { busVariables, databaseVariables, httpVariables } from '@keel/service-runtime';
import { z } from 'zod';

export const requestControlsVariables = {
  ...busVariables,
  ...databaseVariables,
  ...httpVariables,
  logLevel: variable({
    env: 'KEEL_LOG_LEVEL',
    schema: shapes.logLevel(),
    description: 'minimum log level',
    fix: 'Set KEEL_LOG_LEVEL to one of fatal, error, warn, info, debug, trace, silent.',
    default: 'info' as const,
  }),
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
