import { createHash, timingSafeEqual } from 'node:crypto';
import { Problem } from '@keel/operations';

/**
 * Service-to-service authentication of the internal HTTP APIs (`/internal/...`):
 * every Keel service shares one secret (KEEL_INTERNAL_TOKEN, validated at
 * startup) and sends it in this header; `callService` adds it by itself.
 */
export const INTERNAL_TOKEN_HEADER = 'x-keel-internal-token';

/** The shortest internal token a service accepts (a random value of at least 32 characters). */
export const INTERNAL_TOKEN_MIN_LENGTH = 32;

// The process's token for outgoing internal calls. One per process: in embedded mode every
// service runs in the same process with the same configuration.
let outgoingToken: string | undefined;

/** Sets the token `callService` sends (runService does it for every service at startup). */
export function useInternalToken(token: string): void {
  outgoingToken = token;
}

/** Headers authenticating an internal call made without `callService`. */
export function internalTokenHeaders(): Record<string, string> {
  return outgoingToken === undefined ? {} : { [INTERNAL_TOKEN_HEADER]: outgoingToken };
}

/** Constant-time comparison (both sides hashed first, so their lengths leak nothing either). */
export function internalTokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(presented));
}

function unauthenticatedService(presented: boolean): Problem {
  return new Problem({
    category: 'authentication',
    message: 'Internal API: service authentication required',
    why: presented
      ? `The ${INTERNAL_TOKEN_HEADER} header does not carry this deployment's internal token.`
      : `The internal API is only for Keel services, which send the ${INTERNAL_TOKEN_HEADER} header.`,
    fix: 'Call the public API through the gateway; a Keel service needs the same KEEL_INTERNAL_TOKEN as the others.',
  });
}

/** The parts of Express's request and response the middleware uses (no @types/express here). */
interface InternalRequest {
  readonly headers: Record<string, string | string[] | undefined>;
}
interface InternalResponse {
  status(code: number): InternalResponse;
  type(contentType: string): InternalResponse;
  send(body: string): void;
}

/**
 * Express middleware for the `/internal` routes: a request without the
 * deployment's internal token is answered 401 with the problem envelope and
 * reaches no controller.
 */
export function internalTokenMiddleware(
  token: string,
): (req: InternalRequest, res: InternalResponse, next: () => void) => void {
  if (token.length < INTERNAL_TOKEN_MIN_LENGTH)
    throw new Error(`the internal token must be at least ${INTERNAL_TOKEN_MIN_LENGTH} characters`);
  return (req, res, next) => {
    const raw = req.headers[INTERNAL_TOKEN_HEADER];
    const presented = Array.isArray(raw) ? raw[0] : raw;
    if (internalTokenMatches(token, presented)) return next();
    const problem = unauthenticatedService(presented !== undefined);
    res.status(problem.status).type('application/json').send(JSON.stringify(problem.toBody()));
  };
}
