import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClientError, keepAliveFetch } from './http-client';

describe('keepAliveFetch', () => {
  let server: http.Server;
  let base: string;
  const clientPorts: number[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      clientPorts.push(req.socket.remotePort!);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url!, 'http://x');
        if (url.pathname === '/slow') return void setTimeout(() => res.end('late'), 2_000);
        if (url.pathname === '/big') return void res.end('x'.repeat(4_096));
        if (url.pathname === '/missing') {
          res.writeHead(404, 'Not Found', { 'content-type': 'application/json' });
          return void res.end('{"error":"nope"}');
        }
        res.writeHead(200, { 'content-type': 'application/json', 'x-multi': ['a', 'b'] });
        res.end(
          JSON.stringify({
            method: req.method,
            body: Buffer.concat(chunks).toString('utf8'),
            auth: req.headers['x-token'] ?? null,
          }),
        );
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('sends the method, headers and body, and reads status, headers and body', async () => {
    const res = await keepAliveFetch(`${base}/echo`, {
      method: 'POST',
      headers: { 'x-token': 't1', 'content-type': 'application/json' },
      body: '{"ü":1}',
    });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toBe('application/json');
    expect(res.headers.get('x-multi')).toBe('a, b');
    expect(res.headers.get('absent')).toBeNull();
    expect(res.body).toBeNull();
    expect(await res.json()).toEqual({ method: 'POST', body: '{"ü":1}', auth: 't1' });
  });

  it('answers a non-2xx status as a response, not an error', async () => {
    const res = await keepAliveFetch(new URL('/missing', base));
    expect(res.ok).toBe(false);
    expect(res.status).toBe(404);
    expect(res.statusText).toBe('Not Found');
    expect(await res.text()).toBe('{"error":"nope"}');
  });

  it('reuses one kept-alive socket for requests made one after another', async () => {
    clientPorts.length = 0;
    for (let i = 0; i < 5; i++) await (await keepAliveFetch(`${base}/echo`)).text();
    expect(clientPorts).toHaveLength(5);
    expect(new Set(clientPorts).size).toBe(1);
  });

  it('rejects a body over the limit', async () => {
    await expect(keepAliveFetch(`${base}/big`, { maxBodyBytes: 1_024 })).rejects.toThrow(
      new HttpClientError('response body exceeds 1024 bytes'),
    );
  });

  it('rejects on its own timeout and on an aborted signal, with the signal reason', async () => {
    await expect(keepAliveFetch(`${base}/slow`, { timeoutMs: 50 })).rejects.toThrow(
      /timed out after 50 ms/,
    );
    const reason = new Error('caller gave up');
    const controller = new AbortController();
    const pending = keepAliveFetch(`${base}/slow`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    await expect(pending).rejects.toBe(reason);
    await expect(keepAliveFetch(`${base}/echo`, { signal: controller.signal })).rejects.toBe(
      reason,
    );
  });

  it('rejects a refused connection and an unsupported scheme', async () => {
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    await expect(keepAliveFetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
    await expect(keepAliveFetch('ftp://127.0.0.1/')).rejects.toThrow(/unsupported protocol ftp:/);
  });

  it('sends a request once more when its reused socket turns out closed, never twice otherwise', async () => {
    // A server that drops a connection at its second request, as one that closed it idle.
    const perSocket = new Map<number, number>();
    let requests = 0;
    const dropping = http.createServer((req, res) => {
      requests++;
      const port = req.socket.remotePort!;
      const n = (perSocket.get(port) ?? 0) + 1;
      perSocket.set(port, n);
      if (n > 1 || req.url === '/always-drop') return void req.socket.destroy();
      res.end('fresh');
    });
    dropping.listen(0, '127.0.0.1');
    await once(dropping, 'listening');
    const at = `http://127.0.0.1:${(dropping.address() as AddressInfo).port}`;
    try {
      expect(await (await keepAliveFetch(`${at}/a`)).text()).toBe('fresh');
      expect(await (await keepAliveFetch(`${at}/b`, { method: 'POST', body: '{}' })).text()).toBe(
        'fresh',
      );
      expect(requests).toBe(3);
      expect(perSocket.size).toBe(2);
      // The pooled socket is reused and dropped (sent again), then the fresh one is dropped
      // too: a reset on a fresh socket is the server's answer, with no third attempt.
      requests = 0;
      await expect(keepAliveFetch(`${at}/always-drop`)).rejects.toThrow(
        /socket hang up|ECONNRESET/,
      );
      expect(requests).toBe(2);
    } finally {
      dropping.closeAllConnections();
      dropping.close();
    }
  });
});
