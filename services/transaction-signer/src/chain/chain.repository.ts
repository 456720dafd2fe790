import {
  ChainRpcError,
  defaultFeePolicy,
  type Eip1559Fees,
  type FeePolicy,
  feesFromMarket,
  type PoolLogger,
  UpstreamPool,
} from '@keel/chain';
import type { Address, Hash, Hex } from 'viem';

interface FeeMarket {
  readonly baseFeePerGas: bigint;
  /** The node's suggested tip; null when it has none (the policy minimum applies). */
  readonly tip: bigint | null;
}

/** The only code of the signer that talks to chains: one upstream pool per chain id. */
export class ChainRepository {
  private readonly pools = new Map<number, UpstreamPool>();
  private readonly markets = new Map<number, { at: number; market: Promise<FeeMarket> }>();

  /**
   * @param feeMarketTtlMs how long one reading of the base fee and tip serves
   *   every reservation of a chain (concurrent reservations share one read):
   *   fees follow the chain per block, not per transaction.
   */
  constructor(
    rpcUrls: Readonly<Record<number, readonly string[]>>,
    readonly feePolicy: FeePolicy = defaultFeePolicy,
    logger?: PoolLogger,
    private readonly feeMarketTtlMs = 1_000,
  ) {
    for (const [id, urls] of Object.entries(rpcUrls)) {
      this.pools.set(
        Number(id),
        new UpstreamPool({ chainId: Number(id), urls, ...(logger ? { logger } : {}) }),
      );
    }
  }

  supports(chainId: number): boolean {
    return this.pools.has(chainId);
  }

  pool(chainId: number): UpstreamPool {
    const pool = this.pools.get(chainId);
    if (!pool)
      throw new ChainRpcError(
        'unknown',
        `chain ${chainId} is not configured (KEEL_CHAIN_RPC_URLS)`,
        chainId,
      );
    return pool;
  }

  pendingNonce(chainId: number, address: Address): Promise<number> {
    return this.pool(chainId).pendingNonce(address);
  }

  minedNonce(chainId: number, address: Address): Promise<number> {
    return this.pool(chainId).minedNonce(address);
  }

  /**
   * The wallet's native balance and mined nonce at one block (the head), so that what the
   * balance already paid for and what is still to pay never overlap.
   */
  async fundsAt(
    chainId: number,
    address: Address,
  ): Promise<{ balance: bigint; minedNonce: number }> {
    return this.pool(chainId).call('funds', async (c) => {
      const blockNumber = await c.getBlockNumber({ cacheTime: 0 });
      const [balance, minedNonce] = await Promise.all([
        c.getBalance({ address, blockNumber }),
        c.getTransactionCount({ address, blockNumber }),
      ]);
      return { balance, minedNonce };
    });
  }

  estimateGas(
    chainId: number,
    call: { from: Address; to: Address; data: Hex; value: bigint },
  ): Promise<bigint> {
    return this.pool(chainId).call('eth_estimateGas', (c) =>
      c.estimateGas({ account: call.from, to: call.to, data: call.data, value: call.value }),
    );
  }

  async fees(chainId: number, policy: FeePolicy = this.feePolicy): Promise<Eip1559Fees> {
    const { baseFeePerGas, tip } = await this.feeMarket(chainId);
    return feesFromMarket(baseFeePerGas, tip ?? policy.minPriorityFeePerGas, policy);
  }

  private feeMarket(chainId: number): Promise<FeeMarket> {
    const now = Date.now();
    const cached = this.markets.get(chainId);
    if (cached && now - cached.at < this.feeMarketTtlMs) return cached.market;
    const market = this.pool(chainId).call('fees', async (c) => {
      const [block, tip] = await Promise.all([
        c.getBlock({ blockTag: 'latest' }),
        c.estimateMaxPriorityFeePerGas().catch(() => null),
      ]);
      return { baseFeePerGas: block.baseFeePerGas ?? 0n, tip };
    });
    this.markets.set(chainId, { at: now, market });
    // A failed read is not cached: the next reservation asks the node again.
    market.catch(() => {
      if (this.markets.get(chainId)?.market === market) this.markets.delete(chainId);
    });
    return market;
  }

  /** Broadcasts; the node already having these exact bytes counts as success. */
  async sendRaw(chainId: number, raw: Hex): Promise<void> {
    try {
      await this.pool(chainId).sendRawTransaction(raw);
    } catch (err) {
      if (err instanceof ChainRpcError && err.kind === 'already-known') return;
      throw err;
    }
  }

  /** Whether any of these hashes (one nonce's versions: only one of them can be mined) is mined. */
  async anyMined(chainId: number, hashes: readonly Hash[]): Promise<boolean> {
    for (const hash of hashes) if (await this.isMined(chainId, hash)) return true;
    return false;
  }

  async isMined(chainId: number, hash: Hash): Promise<boolean> {
    const receipt = await this.pool(chainId).call('eth_getTransactionReceipt', (c) =>
      c.getTransactionReceipt({ hash }).catch((e: unknown) => {
        if (e instanceof Error && e.name === 'TransactionReceiptNotFoundError') return null;
        throw e;
      }),
    );
    return receipt !== null;
  }

  status(): Record<number, ReturnType<UpstreamPool['status']>> {
    return Object.fromEntries([...this.pools].map(([id, p]) => [id, p.status()]));
  }

  startHealthChecks(intervalMs: number): void {
    for (const p of this.pools.values()) p.startHealthChecks(intervalMs);
  }

  close(): void {
    for (const p of this.pools.values()) p.stopHealthChecks();
  }
}
