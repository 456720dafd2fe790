import type { IncomingMessage, ServerResponse } from 'node:http';
import { Problem } from '@keel/operations';

type Next = (err?: unknown) => void;

function reply(res: ServerResponse, problem: Problem): void {
  const body = JSON.stringify(problem.toBody());
  res.writeHead(problem.status, { 'content-type': 'application/json', connection: 'close' });
  res.end(body);
}

/**
 * JSON body parsing that answers bad bodies with the problem envelope itself
 * (malformed JSON 400, too large 413, not JSON 415), before any route runs and
 * without buffering more than `limitBytes`.
 */
export function jsonBodyParser(limitBytes: number) {
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
    if (declared > limitBytes) {
      reply(res, tooLarge());
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limitBytes) {
        done = true;
        reply(res, tooLarge());
        req.resume();
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
