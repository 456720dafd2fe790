import { problemSchema } from '@keel/operations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  INTERNAL_TOKEN_HEADER,
  internalTokenHeaders,
  internalTokenMatches,
  internalTokenMiddleware,
  useInternalToken,
} from './internal-token';
import { callService } from './service-client';

const TOKEN = 'a-deployment-internal-token-of-40-chars!';

function answer(headers: Record<string, string | string[] | undefined>) {
  const sent: { status?: number; type?: string; body?: string; next: boolean } = { next: false };
  const res = {
    status(code: number) {
      sent.status = code;
      return res;
    },
    type(t: string) {
      sent.type = t;
      return res;
    },
    send(body: string) {
      sent.body = body;
    },
  };
  internalTokenMiddleware(TOKEN)({ headers }, res, () => {
    sent.next = true;
  });
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

describe('internal token', () => {
  it('lets a request with the token through', () => {
    expect(answer({ [INTERNAL_TOKEN_HEADER]: TOKEN })).toEqual({ next: true });
  });

  it('answers a missing, wrong or truncated token with a 401 problem, never reaching the route', () => {
    for (const presented of [undefined, 'wrong', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const sent = answer({ [INTERNAL_TOKEN_HEADER]: presented });
      expect(sent.next).toBe(false);
      expect(sent.status).toBe(401);
      expect(sent.type).toBe('application/json');
      const body = problemSchema.parse(JSON.parse(sent.body!));
      expect(body.error).toMatchObject({ category: 'authentication', status: 401 });
      expect(sent.body).not.toContain(TOKEN);
    }
  });

  it('compares in constant time over digests (any length)', () => {
    expect(internalTokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(internalTokenMatches(TOKEN, undefined)).toBe(false);
    expect(internalTokenMatches(TOKEN, '')).toBe(false);
  });

  it('refuses a token shorter than 32 characters at startup', () => {
    expect(() => internalTokenMiddleware('short')).toThrow(/at least 32/);
  });

  it('callService sends the process token by itself', async () => {
    const seen: Headers[] = [];
    vi.stubGlobal('fetch', async (_url: URL, init: RequestInit) => {
      seen.push(new Headers(init.headers));
      return new Response(JSON.stringify({ ok: true }), { status: 200 });
    });
    useInternalToken(TOKEN);
    expect(internalTokenHeaders()).toEqual({ [INTERNAL_TOKEN_HEADER]: TOKEN });
    await callService('http://127.0.0.1:1', '/internal/v1/x', { method: 'POST', body: {} });
    expect(seen[0]?.get(INTERNAL_TOKEN_HEADER)).toBe(TOKEN);
    expect(seen[0]?.get('content-type')).toBe('application/json');
  });
});
