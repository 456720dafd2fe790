import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { problemSchema } from '@keel/operations';
import { describe, expect, it } from 'vitest';
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
    const seen: http.IncomingHttpHeaders[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => res.end(JSON.stringify({ ok: true })));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      useInternalToken(TOKEN);
      expect(internalTokenHeaders()).toEqual({ [INTERNAL_TOKEN_HEADER]: TOKEN });
      const port = (server.address() as AddressInfo).port;
      const answered = await callService(`http://127.0.0.1:${port}`, '/internal/v1/x', {
        method: 'POST',
        body: {},
      });
      expect(answered).toEqual({ ok: true });
      expect(seen[0]?.[INTERNAL_TOKEN_HEADER.toLowerCase()]).toBe(TOKEN);
      expect(seen[0]?.['content-type']).toBe('application/json');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
