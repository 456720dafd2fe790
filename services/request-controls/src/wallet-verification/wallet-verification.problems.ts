import { Problem } from '@keel/operations';
import { retryAfterSeconds } from '../lockout/attempt-lockout';

export type WalletVerificationMethod = 'pin' | 'totp' | 'backup-code';

/** The typed refusals of wallet verification (`details.code`); none reveals a secret. */
export const walletProblems = {
  required: (configured: WalletVerificationMethod[]) =>
    new Problem({
      category: 'authorization',
      message: 'Wallet verification required',
      why: 'A write by a user session needs wallet verification evidence, and none was sent.',
      fix: `Send walletVerification: {type, code} with the request, using one of: ${configured.join(', ')}.`,
      details: { code: 'WALLET_VERIFICATION_REQUIRED', methods: configured },
    }),
  notConfigured: (type: WalletVerificationMethod | null, configured: WalletVerificationMethod[]) =>
    new Problem({
      category: 'authorization',
      message: 'Wallet verification not configured',
      why:
        type === null
          ? 'The user has no wallet verification method set up.'
          : `The user has no ${type} set up.`,
      fix:
        configured.length === 0
          ? 'Set up a PIN, TOTP or backup codes at /api/v1/me/wallet-verification first.'
          : `Use one of the methods set up: ${configured.join(', ')}.`,
      details: { code: 'WALLET_VERIFICATION_NOT_CONFIGURED', methods: configured },
    }),
  failed: (attemptsRemaining: number, lockedUntil: Date | null) =>
    new Problem({
      category: 'authentication',
      message: 'Wallet verification failed',
      why: 'The wallet verification code is wrong, expired or was already used.',
      fix:
        lockedUntil === null
          ? 'Send a current code; each TOTP code and backup code works once.'
          : `Too many failures: wallet verification is locked until ${lockedUntil.toISOString()}.`,
      details: {
        code: 'WALLET_VERIFICATION_FAILED',
        attemptsRemaining,
        ...(lockedUntil ? { lockedUntil: lockedUntil.toISOString() } : {}),
      },
    }),
  locked: (lockedUntil: Date) => {
    const seconds = retryAfterSeconds(lockedUntil);
    return new Problem({
      category: 'authorization',
      status: 429,
      retryable: true,
      message: 'Wallet verification locked',
      why: 'Too many failed wallet verifications; further attempts are refused for a while.',
      fix: `Retry after ${seconds} seconds.`,
      details: {
        code: 'WALLET_VERIFICATION_LOCKED',
        lockedUntil: lockedUntil.toISOString(),
        retryAfterSeconds: seconds,
      },
    });
  },
  totpUnavailable: () =>
    new Problem({
      category: 'unavailable',
      retryable: false,
      message: 'TOTP unavailable',
      why: 'TOTP secrets are encrypted at rest, and this deployment has no encryption key.',
      fix: 'Ask the operator to set REQUEST_CONTROLS_ENCRYPTION_KEY; use a PIN or backup codes meanwhile.',
      details: { code: 'WALLET_VERIFICATION_TOTP_UNAVAILABLE' },
    }),
};
