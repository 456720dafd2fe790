import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { Problem, problems } from '@keel/operations';

export interface ProblemLogger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

/** The part of Express's response the filter uses (no @types/express here). */
interface HttpResponse {
  readonly headersSent: boolean;
  status(code: number): HttpResponse;
  type(contentType: string): HttpResponse;
  setHeader(name: string, value: string): unknown;
  send(body: string): void;
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

/** Maps what Express and Nest throw before our code runs (body parsing, routing) to a Problem. */
export function toProblem(error: unknown): Problem {
  if (error instanceof Problem) return error;
  const parserError = error as BodyParserError;
  if (parserError.type === 'entity.parse.failed') {
    return new Problem({
      category: 'validation',
      status: 400,
      message: 'Malformed JSON body',
      why: 'The request body is not valid JSON.',
      fix: 'Send a JSON object with Content-Type: application/json.',
    });
  }
  if (parserError.type === 'entity.too.large') {
    return new Problem({
      category: 'payload-too-large',
      message: 'Request body too large',
      why: `The body exceeds the limit of ${parserError.limit ?? 'the configured'} bytes.`,
      fix: 'Send a smaller body; split large batches into several operations.',
      details: { limitBytes: parserError.limit },
    });
  }
  if (parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported') {
    return new Problem({
      category: 'unsupported-media-type',
      message: 'Unsupported body encoding',
      why: 'The body encoding or charset is not supported.',
      fix: 'Send UTF-8 JSON.',
    });
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404) {
      return new Problem({
        category: 'not-found',
        message: 'No such route',
        why: error.message,
        fix: 'Check the method and path against /api/v1/openapi.json.',
      });
    }
    if (status === 413) return toProblem({ type: 'entity.too.large' });
    if (status < 500) {
      return new Problem({
        category: 'validation',
        status,
        message: error.message,
        why: error.message,
        fix: 'Correct the request and send it again.',
      });
    }
  }
  return problems.internal();
}

/**
 * Renders every error as the Keel problem envelope. Only a truly unexpected
 * error becomes a 5xx, and it is logged with the problem id.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: ProblemLogger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const problem = toProblem(exception);
    if (problem.status >= 500 && problem.init.category === 'internal') {
      this.logger.error(
        { err: exception, problemId: problem.id },
        'unexpected error while handling a request',
      );
    }
    const res = host.switchToHttp().getResponse<HttpResponse>();
    if (res.headersSent) return;
    // A refusal that names when to come back (a lockout, a busy dependency) says it in
    // the standard header too, for clients and proxies that only read headers.
    const retryAfter = problem.init.details?.['retryAfterSeconds'];
    if (
      (problem.status === 429 || problem.status === 503) &&
      typeof retryAfter === 'number' &&
      retryAfter > 0
    )
      res.setHeader('Retry-After', String(Math.ceil(retryAfter)));
    res.status(problem.status).type('application/json').send(JSON.stringify(problem.toBody()));
  }
}
