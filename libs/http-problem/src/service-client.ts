import { Problem, problems, problemSchema } from '@keel/operations';
import { type KeepAliveResponse, keepAliveFetch } from './http-client';
import { internalTokenHeaders } from './internal-token';

export interface ServiceCallOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/**
 * Calls another Keel service's internal HTTP API, authenticated with the
 * process's internal token (`useInternalToken`). A problem envelope in the
 * answer is rethrown as the same Problem (so a 403 from request controls stays
 * a 403 at the gateway); a network failure or timeout is a retryable 503.
 */
export async function callService<T>(
  baseUrl: string,
  path: string,
  options: ServiceCallOptions = {},
): Promise<T> {
  let res: KeepAliveResponse;
  try {
    res = await keepAliveFetch(new URL(path, baseUrl), {
      method: options.method ?? 'GET',
      headers: {
        ...internalTokenHeaders(),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      timeoutMs: options.timeoutMs ?? 10_000,
    });
  } catch {
    throw problems.unavailable(new URL(baseUrl).host);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text.length ? JSON.parse(text) : undefined;
  } catch {
    throw problems.unavailable(new URL(baseUrl).host);
  }
  if (res.ok) return json as T;
  const parsed = problemSchema.safeParse(json);
  if (parsed.success && parsed.data.error.category !== 'internal')
    throw Problem.fromBody(parsed.data);
  throw problems.unavailable(new URL(baseUrl).host);
}
