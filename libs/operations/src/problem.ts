import { randomUUID } from 'node:crypto';
import { z } from 'zod';

export const problemCategories = [
  'validation',
  'authentication',
  'authorization',
  'not-found',
  'conflict',
  'payload-too-large',
  'unsupported-media-type',
  'unavailable',
  'internal',
] as const;
export type ProblemCategory = (typeof problemCategories)[number];

/** The one error envelope of every Keel HTTP API. */
export const problemSchema = z.object({
  error: z.object({
    /** Unique id of this occurrence; quote it to support. */
    id: z.string(),
    category: z.enum(problemCategories),
    status: z.number().int(),
    retryable: z.boolean(),
    message: z.string(),
    why: z.string(),
    fix: z.string(),
    details: z.record(z.string(), z.unknown()),
  }),
});
export type ProblemBody = z.infer<typeof problemSchema>;

const statusOf: Record<ProblemCategory, number> = {
  validation: 422,
  authentication: 401,
  authorization: 403,
  'not-found': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  unavailable: 503,
  internal: 500,
};

export interface ProblemInit {
  readonly category: ProblemCategory;
  readonly message: string;
  readonly why: string;
  readonly fix: string;
  readonly details?: Record<string, unknown>;
  readonly retryable?: boolean;
  /** Overrides the category's default status (e.g. 400 for malformed JSON). */
  readonly status?: number;
}

/**
 * A typed, client-facing error. Thrown anywhere in request handling and
 * rendered as the problem envelope. Never carries a secret.
 */
export class Problem extends Error {
  override readonly name = 'Problem';
  readonly id: string;
  readonly status: number;
  readonly retryable: boolean;

  constructor(readonly init: ProblemInit) {
    super(init.message);
    this.id = randomUUID();
    this.status = init.status ?? statusOf[init.category];
    this.retryable = init.retryable ?? init.category === 'unavailable';
  }

  toBody(): ProblemBody {
    return {
      error: {
        id: this.id,
        category: this.init.category,
        status: this.status,
        retryable: this.retryable,
        message: this.init.message,
        why: this.init.why,
        fix: this.init.fix,
        details: this.init.details ?? {},
      },
    };
  }

  /** Rebuilds a Problem from an envelope received from another service. */
  static fromBody(body: ProblemBody): Problem {
    return new Problem({
      category: body.error.category,
      message: body.error.message,
      why: body.error.why,
      fix: body.error.fix,
      details: body.error.details,
      retryable: body.error.retryable,
      status: body.error.status,
    });
  }
}

export const problems = {
  validation: (
    message: string,
    issues: readonly { path: string; message: string }[],
    fix?: string,
  ) =>
    new Problem({
      category: 'validation',
      message,
      why: issues.map((i) => `${i.path}: ${i.message}`).join('; ') || message,
      fix: fix ?? 'Correct the listed fields and send the request again.',
      details: { issues },
    }),
  unauthenticated: (why: string) =>
    new Problem({
      category: 'authentication',
      message: 'Authentication required',
      why,
      fix: 'Send a valid, non-revoked API key in the X-Api-Key header.',
    }),
  forbidden: (why: string, details: Record<string, unknown> = {}) =>
    new Problem({
      category: 'authorization',
      message: 'Not allowed',
      why,
      fix: 'Use an API key with the required scope and role, or ask an administrator to grant it.',
      details,
    }),
  notFound: (what: string, id: string) =>
    new Problem({
      category: 'not-found',
      message: `${what} not found`,
      why: `No ${what.toLowerCase()} with id ${id} is visible to this caller.`,
      fix: 'Check the id; resources of other organizations are not visible.',
      details: { id },
    }),
  unavailable: (dependency: string) =>
    new Problem({
      category: 'unavailable',
      message: 'Temporarily unavailable',
      why: `A dependency (${dependency}) did not answer.`,
      fix: 'Retry with the same Idempotency-Key after a short delay.',
      retryable: true,
    }),
  internal: () =>
    new Problem({
      category: 'internal',
      message: 'Internal error',
      why: 'An unexpected error occurred; it has been logged with this error id.',
      fix: 'Retry later; if it persists, report the error id.',
      retryable: true,
    }),
};

/** Parses a value with a schema, or throws the 422 validation problem listing every issue. */
export function validateOrThrow<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join('.') : '(root)',
    message: i.message,
  }));
  throw problems.validation(`Invalid ${what}`, issues);
}
