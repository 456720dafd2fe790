import { type Chain, createPublicClient, defineChain, http, type PublicClient } from 'viem';

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
    transport: http(url, {
      retryCount: 0,
      timeout: options.timeoutMs ?? 10_000,
      batch: { batchSize: 50, wait: 0 },
    }),
    // Polling is driven by the caller (confirmation tracker), not by viem watchers.
    pollingInterval: 1_000,
  });
}
