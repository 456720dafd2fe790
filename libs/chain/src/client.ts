import { keepAliveFetch } from '@keel/http-problem';
import {
  type Chain,
  createPublicClient,
  defineChain,
  http,
  type HttpTransport,
  type HttpTransportConfig,
  type PublicClient,
} from 'viem';

export interface ChainClientOptions {
  /** Per-request timeout in milliseconds. */
  readonly timeoutMs?: number;
  /** Human-readable chain name (logs only). */
  readonly name?: string;
}

/** A minimal viem chain definition for a chain id (Keel talks to any EVM chain by id and URL). */
export function keelChain(chainId: number, url: string, name = `chain-${chainId}`): Chain {
  return defineChain({
    id: chainId,
    name,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [url] } },
  });
}

/**
 * viem's HTTP JSON-RPC transport on kept-alive node:http sockets instead of the
 * global fetch: same batching, retries and errors, a fraction of the client CPU
 * per request (every service of the pipeline makes several RPC calls per operation).
 */
export function rpcHttpTransport(url: string, config: HttpTransportConfig = {}): HttpTransport {
  return http(url, { ...config, fetchFn: keepAliveFetch as unknown as typeof fetch });
}

/**
 * A viem public client for one upstream URL. viem's own retries are off: the
 * upstream pool decides when to retry and where (another upstream), so a dead
 * node costs one timeout, not viem's retry budget times the pool's.
 *
 * Calls made in the same tick go out as one JSON-RPC batch (up to 50 per HTTP
 * request): a service following hundreds of transactions pays one HTTP round
 * trip per batch instead of one per call. Each call still resolves or fails
 * on its own.
 */
export function createChainClient(
  chainId: number,
  url: string,
  options: ChainClientOptions = {},
): PublicClient {
  return createPublicClient({
    chain: keelChain(chainId, url, options.name),
    transport: rpcHttpTransport(url, {
      retryCount: 0,
      timeout: options.timeoutMs ?? 10_000,
      batch: { batchSize: 50, wait: 0 },
    }),
    // Polling is driven by the caller (confirmation tracker), not by viem watchers.
    pollingInterval: 1_000,
  });
}
