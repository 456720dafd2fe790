import { request } from 'node:http';
import { connect } from 'node:net';
import { problemSchema } from '@keel/operations';
import type { RunningService } from '@keel/service-runtime';
import { freePort, TEST_INTERNAL_TOKEN } from '@keel/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from './bootstrap';

// A body over the limit must always get the 413 problem, never a reset (EPIPE/ECONNRESET)
// while the client is still writing. The gateway alone: the body is refused before any
// route runs, so nothing behind it is needed.
const FIVE_MB = 5 * 1024 * 1024;
const ITERATIONS = 20;
const LIMIT = 256 * 1024;

let gateway: RunningService;
let port: number;

beforeAll(async () => {
  port = await freePort();
  gateway = await startGateway({
    KEEL_HTTP_PORT: String(port),
    KEEL_INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
    KEEL_BUS_DRIVER: 'in-process',
    KEEL_REQUEST_CONTROLS_URL: 'http://127.0.0.1:9',
    KEEL_EXECUTION_ENGINE_URL: 'http://127.0.0.1:9',
    KEEL_COMPLIANCE_SIMULATOR_URL: 'http://127.0.0.1:9',
    KEEL_HTTP_BODY_LIMIT_BYTES: String(LIMIT),
    KEEL_LOG_LEVEL: 'warn',
  });
});

afterAll(async () => {
  await gateway?.close();
});

interface Answer {
  readonly status: number;
  readonly body: string;
}

function expectTooLarge(answer: Answer): void {
  expect(answer.status, answer.body).toBe(413);
  const problem = problemSchema.parse(JSON.parse(answer.body));
  expect(problem.error).toMatchObject({
    category: 'payload-too-large',
    status: 413,
    details: { limitBytes: LIMIT },
  });
}

function unchunk(raw: string): string {
  let out = '';
  for (let at = 0; ;) {
    const eol = raw.indexOf('\r\n', at);
    const size = parseInt(raw.slice(at, eol), 16);
    if (!(size > 0)) return out;
    out += raw.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/**
 * The strictest client: writes the whole request (headers and every body byte) before it
 * reads anything, as Python's http.client does. It fails with EPIPE/ECONNRESET if the
 * server closes while bytes are still unread.
 */
function writeAllThenRead(chunked: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.pause(); // nothing is read until the last byte is written
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.once('error', reject);
    socket.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const at = text.indexOf('\r\n\r\n');
      const head = text.slice(0, at);
      const raw = text.slice(at + 4);
      resolve({
        status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0),
        body: /^transfer-encoding: chunked/im.test(head) ? unchunk(raw) : raw,
      });
    });
    const body = Buffer.alloc(FIVE_MB, 'x');
    const head = [
      'POST /api/v1/operations HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      'Content-Type: application/json',
      chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${FIVE_MB}`,
      '',
      '',
    ].join('\r\n');
    socket.write(head);
    if (chunked)
      for (let at = 0; at < FIVE_MB; at += 64 * 1024) {
        const part = body.subarray(at, at + 64 * 1024);
        socket.write(`${part.length.toString(16)}\r\n`);
        socket.write(part);
        socket.write('\r\n');
      }
    socket.write(chunked ? '0\r\n\r\n' : body, (err) => {
      if (err) reject(err);
      else socket.resume();
    });
  });
}

/** node:http, streaming the body in 64 KiB writes as a file upload would. */
function nodeHttpPost(): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/api/v1/operations',
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': FIVE_MB },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.once('error', reject);
      },
    );
    req.once('error', reject);
    const part = Buffer.alloc(64 * 1024, 'x');
    let sent = 0;
    const write = (): void => {
      while (sent < FIVE_MB) {
        sent += part.length;
        if (!req.write(part)) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

describe('a body over the limit', () => {
  it(`always gets the 413 problem: a client that writes all 5 MB before reading (${ITERATIONS}×, with Content-Length and chunked)`, async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      expectTooLarge(await writeAllThenRead(false));
      expectTooLarge(await writeAllThenRead(true));
    }
  });

  it(`always gets the 413 problem: node:http and fetch sending 5 MB (${ITERATIONS}×)`, async () => {
    for (let i = 0; i < ITERATIONS; i++) {
      expectTooLarge(await nodeHttpPost());
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/operations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: Buffer.alloc(FIVE_MB, 'x'),
      });
      expectTooLarge({ status: res.status, body: await res.text() });
    }
  });

  it('still serves the next request: the refusal closes only its own connection', async () => {
    expectTooLarge(await writeAllThenRead(false));
    expect((await fetch(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
  });
});
