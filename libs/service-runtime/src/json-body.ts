import type { IncomingMessage, ServerResponse } from 'node:http';
import { Problem } from '@keel/operations';

type Next = (err?: unknown) => void;

/** How long and how much of a refused body is still read before the connection closes. */
export interface BodyDrainLimits {
  /** Bytes read (and discarded) after a 413 at most; then the connection is closed anyway. */
  readonly drainCapBytes: number;
  /** Time allowed for the rest of the body after a 413; then the connection is closed anyway. */
  readonly drainTimeoutMs: number;
}

const DEFAULT_DRAIN: BodyDrainLimits = { drainCapBytes: 32 * 1024 * 1024, drainTimeoutMs: 10_000 };

function reply(res: ServerResponse, problem: Problem): void {
  const body = JSON.stringify(problem.toBody());
  res.writeHead(problem.status, { 'content-type': 'application/json', connection: 'close' });
  res.end(body);
}

/**
 * Answers 413 at once but closes the connection only after the client has finished
 * sending. Closing a socket that still has unread request bytes makes the kernel send a
 * reset, and a client that writes its whole body before reading (most do) then gets
 * EPIPE/ECONNRESET instead of the problem. So the response is written now, the rest of
 * the body is read and discarded, and `res.end()` (which, with `Connection: close`,
 * ends the socket) waits for the body's end. The drain is bounded: past
 * `drainCapBytes` or `drainTimeoutMs` the connection is closed anyway.
 */
function refuseTooLarge(
  req: IncomingMessage,
  res: ServerResponse,
  problem: Problem,
  limits: BodyDrainLimits,
): void {
  const body = JSON.stringify(problem.toBody());
  res.writeHead(problem.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  res.write(body);
  let drained = 0;
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearTimeout(timer);
    req.off('data', count);
    res.end();
  };
  const count = (chunk: Buffer): void => {
    drained += chunk.length;
    if (drained > limits.drainCapBytes) close();
  };
  const timer = setTimeout(close, limits.drainTimeoutMs);
  timer.unref();
  if (req.readableEnded) return close();
  req.on('data', count);
  req.once('end', close);
  req.once('close', close); // the client went away
  req.resume();
}

/**
 * JSON body parsing that answers bad bodies with the problem envelope itself
 * (malformed JSON 400, too large 413, not JSON 415), before any route runs and
 * without buffering more than `limitBytes`.
 */
export function jsonBodyParser(limitBytes: number, drain: BodyDrainLimits = DEFAULT_DRAIN) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse, next: Next): void => {
    const method = req.method ?? 'GET';
    if (method === 'GET' || method === 'HEAD' || method === 'DELETE' || method === 'OPTIONS')
      return next();
    const declared = Number(req.headers['content-length'] ?? '0');
    const tooLarge = () =>
      new Problem({
        category: 'payload-too-large',
        message: 'Request body too large',
        why: `The body exceeds the limit of ${limitBytes} bytes.`,
        fix: 'Send a smaller body; split large batches into several operations.',
        details: { limitBytes },
      });
    if (declared > limitBytes) return refuseTooLarge(req, res, tooLarge(), drain);
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        done = true;
        chunks.length = 0;
        refuseTooLarge(req, res, tooLarge(), drain);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => {
      done = true;
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw.trim().length === 0) {
        req.body = undefined;
        return next();
      }
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
        reply(
          res,
          new Problem({
            category: 'unsupported-media-type',
            message: 'Unsupported content type',
            why: `The body is sent as ${type || 'no content type'}; this API takes JSON.`,
            fix: 'Send the body as JSON with Content-Type: application/json.',
          }),
        );
        return;
      }
      try {
        req.body = JSON.parse(raw) as unknown;
      } catch (err) {
        reply(
          res,
          new Problem({
            category: 'validation',
            status: 400,
            message: 'Malformed JSON body',
            why: `The body is not valid JSON (${(err as Error).message}).`,
            fix: 'Send a well-formed JSON object.',
          }),
        );
        return;
      }
      next();
    });
  };
}
