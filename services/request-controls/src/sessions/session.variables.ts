import { shapes, variable } from '@keel/config';

/** Session lifetimes, login and wallet-verification attempt limits (spread into the service's variables). */
export const sessionVariables = {
  sessionAccessTtlSeconds: variable({
    env: 'KEEL_SESSION_ACCESS_TTL_SECONDS',
    schema: shapes.positiveInt(),
    description: 'lifetime of a session access (bearer) token',
    fix: 'Set KEEL_SESSION_ACCESS_TTL_SECONDS to a positive number of seconds (default 900).',
    default: 900,
  }),
  sessionRefreshTtlSeconds: variable({
    env: 'KEEL_SESSION_REFRESH_TTL_SECONDS',
    schema: shapes.positiveInt(),
    description: 'lifetime of a session refresh token (renewed on each refresh)',
    fix: 'Set KEEL_SESSION_REFRESH_TTL_SECONDS to a positive number of seconds (default 43200).',
    default: 12 * 3600,
  }),
  walletVerificationMaxAttempts: variable({
    env: 'KEEL_WALLET_VERIFICATION_MAX_ATTEMPTS',
    schema: shapes.positiveInt(),
    description: 'failed wallet verifications in a row before the user is locked out',
    fix: 'Set KEEL_WALLET_VERIFICATION_MAX_ATTEMPTS to a positive integer (default 5).',
    default: 5,
  }),
  walletVerificationLockoutSeconds: variable({
    env: 'KEEL_WALLET_VERIFICATION_LOCKOUT_SECONDS',
    schema: shapes.positiveInt(),
    description: 'how long a wallet-verification lockout lasts',
    fix: 'Set KEEL_WALLET_VERIFICATION_LOCKOUT_SECONDS to a positive number of seconds (default 900).',
    default: 900,
  }),
  loginMaxAttempts: variable({
    env: 'KEEL_LOGIN_MAX_ATTEMPTS',
    schema: shapes.positiveInt(),
    description: 'failed password logins in a row for one organization and email before a lockout',
    fix: 'Set KEEL_LOGIN_MAX_ATTEMPTS to a positive integer (default 10).',
    default: 10,
  }),
  loginLockoutSeconds: variable({
    env: 'KEEL_LOGIN_LOCKOUT_SECONDS',
    schema: shapes.positiveInt(),
    description: 'how long a login lockout lasts',
    fix: 'Set KEEL_LOGIN_LOCKOUT_SECONDS to a positive number of seconds (default 900).',
    default: 900,
  }),
};
