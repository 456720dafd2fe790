import type { Address, Hash, Hex, PublicClient } from 'viem';
import { createChainClient } from './client';
import { ChainRpcError, NoHealthyUpstreamError } from './errors';

export interface PoolLogger {
  warn(fields: Record<string, unknown>, msg: string): void;
  info(fields: Record<string, unknown>, msg: string): void;
}

const silent: PoolLogger = { warn: () => undefined, info: () => undefined };

export interface UpstreamPoolOptions {
  readonly chainId: number;
  /** RPC URLs in order of preference. */
  readonly urls: readonly string[];
  readonly timeoutMs?: number;
  /** Total attempts of one call across upstreams (default: 2 per upstream). */
  readonly maxAttempts?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** How long an upstream that failed stays out of rotation before it is tried again. */
  readonly cooldownMs?: number;
  /** Blocks an upstream may lag behind the best one before it is considered unhealthy. */
  readonly maxBlockLag?: number;
  readonly logger?: PoolLogger;
  /** Injected for tests: returns a value in [0, 1). */
  readonly random?: () => number;
}

export interface UpstreamStatus {
  readonly url: string;
  readonly healthy: boolean;
  readonly consecutiveFailures: number;
  readonly lastError: string | null;
  /** Head block at the last health check, as a decimal string (JSON-safe). */
  readonly blockNumber: string | null;
  readonly latencyMs: number | null;
}

interface Upstream {
  readonly url: string;
  readonly client: PublicClient;
  healthy: boolean;
  downUntil: number;
  consecutiveFailures: number;
  lastError: string | null;
  blockNumber: bigint | null;
  latencyMs: number | null;
}

/** Strips credentials from a URL before it reaches a log or an error. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    // API keys are often path or query components of hosted RPC URLs.
    return `${u.protocol}//${u.host}${u.pathname.length > 1 ? '/…' : ''}`;
  } catch {
    return '[invalid url]';
  }
}

/**
 * Several RPC upstreams of one chain. Calls go to the most preferred healthy
 * upstream; a transport failure (refused, timeout, 5xx, rate limit) takes the
 * upstream out of rotation for a cooldown and the call moves on to the next
 * one after a jittered backoff. Node answers (nonce too low, underpriced,
 * reverted, …) are not retried: they are classified and returned to the
 * caller, who knows what to do about them.
 */
export class UpstreamPool {
  readonly chainId: number;
  private readonly upstreams: Upstream[];
  private readonly options: Required<
    Omit<UpstreamPoolOptions, 'logger' | 'random' | 'urls' | 'chainId'>
  >;
  private readonly logger: PoolLogger;
  private readonly random: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: UpstreamPoolOptions) {
    if (options.urls.length === 0)
      throw new Error(`chain ${options.chainId}: at least one RPC URL is required`);
    this.chainId = options.chainId;
    this.logger = options.logger ?? silent;
    this.random = options.random ?? Math.random;
    const timeoutMs = options.timeoutMs ?? 5_000;
    this.options = {
      timeoutMs,
      maxAttempts: options.maxAttempts ?? options.urls.length * 2,
      initialBackoffMs: options.initialBackoffMs ?? 100,
      maxBackoffMs: options.maxBackoffMs ?? 2_000,
      cooldownMs: options.cooldownMs ?? 5_000,
      maxBlockLag: options.maxBlockLag ?? 10,
    };
    this.upstreams = options.urls.map((url) => ({
      url,
      client: createChainClient(options.chainId, url, { timeoutMs }),
      healthy: true,
      downUntil: 0,
      consecutiveFailures: 0,
      lastError: null,
      blockNumber: null,
      latencyMs: null,
    }));
  }

  /** Runs `op` against an upstream, failing over on transport errors. */
  async call<T>(label: string, op: (client: PublicClient) => Promise<T>): Promise<T> {
    let lastError: unknown;
    const tried = new Set<Upstream>();
    for (let attempt = 1; attempt <= this.options.maxAttempts; attempt++) {
      const upstream = this.pick(tried);
      tried.add(upstream);
      const started = Date.now();
      try {
        const result = await op(upstream.client);
        this.markUp(upstream, Date.now() - started);
        return result;
      } catch (err) {
        const classified = ChainRpcError.from(err, this.chainId, redactUrl(upstream.url));
        if (classified.kind !== 'transport') {
          // The node answered: the upstream is fine, the request is not.
          this.markUp(upstream, Date.now() - started);
          throw classified;
        }
        lastError = classified;
        this.markDown(upstream, classified.message);
        this.logger.warn(
          {
            chainId: this.chainId,
            upstream: redactUrl(upstream.url),
            label,
            attempt,
            err: classified.message,
          },
          'rpc upstream failed; failing over',
        );
        if (attempt < this.options.maxAttempts) await sleep(this.backoff(attempt));
      }
    }
    throw new NoHealthyUpstreamError(this.chainId, this.options.maxAttempts, { cause: lastError });
  }

  /** Probes every upstream (chain id and head block) and updates its health. */
  async checkHealth(): Promise<UpstreamStatus[]> {
    await Promise.all(
      this.upstreams.map(async (u) => {
        const started = Date.now();
        try {
          const [chainId, block] = await Promise.all([
            u.client.getChainId(),
            u.client.getBlockNumber(),
          ]);
          if (chainId !== this.chainId) {
            this.markDown(u, `wrong chain id ${chainId}`);
            return;
          }
          u.blockNumber = block;
          this.markUp(u, Date.now() - started);
        } catch (err) {
          this.markDown(u, ChainRpcError.from(err, this.chainId).message);
        }
      }),
    );
    const best = this.upstreams.reduce<bigint | null>(
      (max, u) =>
        u.healthy && u.blockNumber !== null && (max === null || u.blockNumber > max)
          ? u.blockNumber
          : max,
      null,
    );
    if (best !== null) {
      for (const u of this.upstreams) {
        if (
          u.healthy &&
          u.blockNumber !== null &&
          best - u.blockNumber > BigInt(this.options.maxBlockLag)
        ) {
          this.markDown(u, `lagging ${best - u.blockNumber} blocks behind`);
        }
      }
    }
    return this.status();
  }

  /** Starts periodic health checks. */
  startHealthChecks(intervalMs: number): void {
    this.stopHealthChecks();
    this.timer = setInterval(() => {
      this.checkHealth().catch(() => undefined);
    }, intervalMs);
    this.timer.unref();
  }

  stopHealthChecks(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  status(): UpstreamStatus[] {
    return this.upstreams.map((u) => ({
      url: redactUrl(u.url),
      healthy: u.healthy,
      consecutiveFailures: u.consecutiveFailures,
      lastError: u.lastError,
      blockNumber: u.blockNumber === null ? null : u.blockNumber.toString(),
      latencyMs: u.latencyMs,
    }));
  }

  get healthy(): boolean {
    return this.upstreams.some((u) => u.healthy);
  }

  // Convenience calls used by the services' repositories.

  sendRawTransaction(raw: Hex): Promise<Hash> {
    return this.call('eth_sendRawTransaction', (c) =>
      c.sendRawTransaction({ serializedTransaction: raw }),
    );
  }

  /** The next nonce counting the node's pending pool. */
  pendingNonce(address: Address): Promise<number> {
    return this.call('eth_getTransactionCount', (c) =>
      c.getTransactionCount({ address, blockTag: 'pending' }),
    );
  }

  /** The next nonce counting only mined transactions. */
  minedNonce(address: Address): Promise<number> {
    return this.call('eth_getTransactionCount', (c) =>
      c.getTransactionCount({ address, blockTag: 'latest' }),
    );
  }

  /** The most preferred healthy upstream not yet tried by this call; then any untried; then start over. */
  private pick(tried: Set<Upstream>): Upstream {
    const now = Date.now();
    for (const u of this.upstreams) if (!u.healthy && u.downUntil <= now) u.healthy = true; // cooldown over: probe it
    const candidates =
      this.upstreams.find((u) => u.healthy && !tried.has(u)) ??
      this.upstreams.find((u) => !tried.has(u)) ??
      this.upstreams.find((u) => u.healthy);
    if (candidates) return candidates;
    tried.clear();
    return this.upstreams[0]!;
  }

  private markUp(u: Upstream, latencyMs: number): void {
    if (!u.healthy)
      this.logger.info(
        { chainId: this.chainId, upstream: redactUrl(u.url) },
        'rpc upstream healthy again',
      );
    u.healthy = true;
    u.downUntil = 0;
    u.consecutiveFailures = 0;
    u.latencyMs = latencyMs;
  }

  private markDown(u: Upstream, reason: string): void {
    u.healthy = false;
    u.consecutiveFailures++;
    u.lastError = reason.slice(0, 300);
    u.downUntil = Date.now() + this.options.cooldownMs;
  }

  private backoff(attempt: number): number {
    const exp = Math.min(
      this.options.maxBackoffMs,
      this.options.initialBackoffMs * 2 ** (attempt - 1),
    );
    return Math.round(exp / 2 + (exp / 2) * this.random());
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
