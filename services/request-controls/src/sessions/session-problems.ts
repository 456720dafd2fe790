import { Problem } from '@keel/operations';
import { retryAfterSeconds } from '../lockout/attempt-lockout';

const FIX =
  'Send a valid API key in X-Api-Key, or a live session token as Authorization: Bearer <token>.';

/** 401s of session authentication; `code` tells a client whether to refresh or log in again. */
export const sessionProblems = {
  unauthenticated: (why: string, code = 'UNAUTHENTICATED') =>
    new Problem({
      category: 'authentication',
      message: 'Authentication required',
      why,
      fix: FIX,
      details: { code },
    }),
  expired: () =>
    new Problem({
      category: 'authentication',
      message: 'Session expired',
      why: 'The access token has expired.',
      fix: 'Get a new access token with POST /api/v1/sessions/refresh, or log in again.',
      details: { code: 'SESSION_EXPIRED' },
    }),
  loginFailed: () =>
    new Problem({
      category: 'authentication',
      message: 'Login failed',
      why: 'The organization, email or password is wrong, or the user is disabled.',
      fix: 'Check the organization id, email and password; ask an administrator if the user is disabled.',
      details: { code: 'LOGIN_FAILED' },
    }),
  loginLocked: (lockedUntil: Date) => {
    const seconds = retryAfterSeconds(lockedUntil);
    return new Problem({
      category: 'authentication',
      status: 429,
      retryable: true,
      message: 'Login locked',
      why: 'Too many failed logins for this organization and email; further attempts are refused for a while.',
      fix: `Retry after ${seconds} seconds, or ask an administrator to reset the password.`,
      details: {
        code: 'LOGIN_LOCKED',
        lockedUntil: lockedUntil.toISOString(),
        retryAfterSeconds: seconds,
      },
    });
  },
  refreshFailed: () =>
    new Problem({
      category: 'authentication',
      message: 'Refresh failed',
      why: 'The refresh token is unknown, expired, revoked or was already used.',
      fix: 'Log in again with POST /api/v1/sessions.',
      details: { code: 'REFRESH_FAILED' },
    }),
  usersOnly: () =>
    new Problem({
      category: 'authorization',
      message: 'Not allowed',
      why: 'This endpoint is about the calling user; an API key is not a user.',
      fix: 'Call it with a user session (Authorization: Bearer <token> from POST /api/v1/sessions).',
      details: { code: 'SESSION_REQUIRED' },
    }),
};
