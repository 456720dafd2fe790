import { createServer, type Server } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BodyDrainLimits, jsonBodyParser } from './json-body';

// The drain after a 413 is bounded: a client that never stops sending is cut off.
let server: Server | undefined;

afterEach(async () => {
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = undefined;
});

async function listen(limitBytes: number, drain: BodyDrainLimits): Promise<number> {
  const parse = jsonBodyParser(limitBytes, drain);
  server = createServer((req, res) =>
    parse(req, res, () => {
      res.writeHead(204);
      res.end();
    }),
  );
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

/** Sends an endless chunked body; resolves with what was read and when the server closed. */
function endlessBody(port: number): Promise<{ response: string; closedAfterMs: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d: Buffer) => (response += d.toString('utf8')));
    socket.on('error', () => undefined); // the reset of a cut-off upload is expected here
    socket.write(
      'POST /x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    const part = Buffer.alloc(16 * 1024, 'x');
    const timer = setInterval(() => {
      if (socket.writable) socket.write(`${part.length.toString(16)}\r\n${part.toString()}\r\n`);
    }, 5);
    socket.once('close', () => {
      clearInterval(timer);
      resolve({ response, closedAfterMs: Date.now() - t0 });
    });
  });
}

describe('jsonBodyParser after a 413', () => {
  it('closes the connection once the drain time is up, with the 413 already sent', async () => {
    const port = await listen(1024, { drainCapBytes: 1024 ** 3, drainTimeoutMs: 300 });
    const { response, closedAfterMs } = await endlessBody(port);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toMatch(/"category":"payload-too-large"/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(250);
    expect(closedAfterMs).toBeLessThan(5_000);
  });

  it('closes the connection once the drain cap is read', async () => {
    const port = await listen(1024, { drainCapBytes: 256 * 1024, drainTimeoutMs: 60_000 });
    const { response, closedAfterMs } = await endlessBody(port);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(closedAfterMs).toBeLessThan(10_000);
  });

  it('answers a body within the limit as before', async () => {
    const port = await listen(1024, { drainCapBytes: 1024, drainTimeoutMs: 1_000 });
    const res = await fetch(`http://127.0.0.1:${port}/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(res.status).toBe(204);
  });
});
