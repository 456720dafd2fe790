import http from 'node:http';
import https from 'node:https';

/**
 * The subset of a fetch `Response` that Keel's callers read (viem's JSON-RPC
 * transport and `callService`): status, headers by name, and the whole body as
 * text. The body is read before the promise resolves, so `body` is null.
 */
export interface KeepAliveResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  readonly body: null;
  text(): Promise<string>;
  json(): Promise<unknown>;
}

export interface KeepAliveRequestInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal | null;
  /** Rejects when the whole exchange (connect, send, read) takes longer. */
  readonly timeoutMs?: number;
  /** Rejects a response body larger than this (default 32 MiB). */
  readonly maxBodyBytes?: number;
}

export class HttpClientError extends Error {
  override readonly name = 'HttpClientError';
}

const DEFAULT_MAX_BODY = 32 * 1024 * 1024;

// One pool of kept-alive sockets per process and scheme. Node's global fetch (undici) costs
// several times the CPU per request of node:http (web streams, Request/Response objects),
// and every hop of the pipeline makes internal HTTP calls (JSON-RPC, service APIs).
const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 32 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 128, maxFreeSockets: 32 }),
};

class ResponseHeaders {
  constructor(private readonly raw: http.IncomingHttpHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : v;
  }
}

/**
 * A fetch-compatible HTTP client on node:http with kept-alive sockets. It takes
 * the fetch call shape (`url`, `{method, headers, body, signal}`), so it can be
 * given to viem's `http()` transport as `fetchFn`; the response is a
 * {@link KeepAliveResponse}, read whole.
 */
export async function keepAliveFetch(
  input: string | URL,
  init: KeepAliveRequestInit = {},
): Promise<KeepAliveResponse> {
  const url = typeof input === 'string' ? new URL(input) : input;
  try {
    return await exchange(url, init);
  } catch (err) {
    // A server may close an idle kept-alive socket just as it is picked for the next request
    // (Node's servers do after 5 s). The request never reached it: send it once more, on a
    // fresh socket (the closed one has left the pool).
    if (!(err instanceof StaleSocketError)) throw err;
    return exchange(url, init);
  }
}

/** The reused socket was closed by the server before any answer. */
class StaleSocketError extends Error {
  override readonly name = 'StaleSocketError';
}

function exchange(url: URL, init: KeepAliveRequestInit): Promise<KeepAliveResponse> {
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent) return Promise.reject(new HttpClientError(`unsupported protocol ${url.protocol}`));
  const transport = url.protocol === 'https:' ? https : http;
  const maxBody = init.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));

  return new Promise<KeepAliveResponse>((resolve, reject) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (err: Error | undefined, res?: KeepAliveResponse): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res!);
    };
    const headers: Record<string, string | number> = { ...(init.headers ?? {}) };
    const body = init.body === undefined ? undefined : Buffer.from(init.body);
    if (body) headers['content-length'] = body.length;
    const req = transport.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) {
          req.destroy();
          finish(new HttpClientError(`response body exceeds ${maxBody} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (err) => finish(err));
      res.on('end', () => {
        const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
        const status = res.statusCode ?? 0;
        finish(undefined, {
          ok: status >= 200 && status < 300,
          status,
          statusText: res.statusMessage ?? '',
          headers: new ResponseHeaders(res.headers),
          body: null,
          text: () => Promise.resolve(text),
          json: () => Promise.resolve(JSON.parse(text) as unknown),
        });
      });
    });
    const onAbort = (): void => {
      req.destroy();
      finish(abortError(signal!));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    if (init.timeoutMs !== undefined)
      timer = setTimeout(() => {
        req.destroy();
        finish(new HttpClientError(`request timed out after ${init.timeoutMs} ms`));
      }, init.timeoutMs);
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (err: NodeJS.ErrnoException) => {
      const stale =
        req.reusedSocket && !answered && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
      finish(stale ? new StaleSocketError(err.message) : err);
    });
    req.end(body);
  });
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new HttpClientError('request aborted');
}
