import {
  ChainRpcError,
  decodeRevertData,
  type PoolLogger,
  type RevertInfo,
  revertDataOf,
  UpstreamPool,
} from '@keel/chain';
import {
  type Address,
  type Hash,
  type Hex,
  type Log,
  parseTransaction,
  type TransactionReceipt,
} from 'viem';

export type SendOutcome =
  | { readonly kind: 'accepted' }
  /**
   * The node did not take the bytes, or could not be reached (a timeout or a connection
   * dropped after the request was written counts: the node may have them). `reason.kind`
   * is the class; `broadcastVerdict` says whether the bytes may still be mined.
   */
  | { readonly kind: 'refused'; readonly reason: ChainRpcError };

export interface BlockRef {
  readonly number: bigint;
  readonly hash: Hash;
  readonly parentHash: Hash;
}

/** The only code of the gateway that talks to chains: one upstream pool per chain id. */
export class ChainRepository {
  private readonly pools = new Map<number, UpstreamPool>();

  constructor(
    rpcUrls: Readonly<Record<number, readonly string[]>>,
    logger?: PoolLogger,
    timeoutMs = 5_000,
  ) {
    for (const [id, urls] of Object.entries(rpcUrls)) {
      this.pools.set(
        Number(id),
        new UpstreamPool({ chainId: Number(id), urls, timeoutMs, ...(logger ? { logger } : {}) }),
      );
    }
  }

  get chainIds(): number[] {
    return [...this.pools.keys()];
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

  /**
   * Broadcasts raw bytes. The node already knowing them, or reporting "nonce
   * too low" while holding a transaction with exactly this hash (mined
   * before a crash), both count as accepted: the bytes are on their way.
   * Never throws for the chain's sake: no upstream answering is a refusal of
   * kind `transport` (the bytes may have reached a node before the answer was lost).
   */
  async send(chainId: number, raw: Hex, hash: Hash): Promise<SendOutcome> {
    try {
      await this.pool(chainId).sendRawTransaction(raw);
      return { kind: 'accepted' };
    } catch (err) {
      const reason =
        err instanceof ChainRpcError
          ? err
          : new ChainRpcError(
              'transport',
              `transport: ${err instanceof Error ? err.message : String(err)}`,
              chainId,
              undefined,
              { cause: err },
            );
      if (reason.kind === 'already-known') return { kind: 'accepted' };
      if (reason.kind === 'nonce-too-low') {
        const known = await this.transactionExists(chainId, hash).catch(() => null);
        if (known === true) return { kind: 'accepted' };
        // Not knowing whether the node has them leaves them "may still be mined".
        if (known === null)
          return {
            kind: 'refused',
            reason: new ChainRpcError('transport', reason.message, chainId, reason.upstream, {
              cause: reason,
            }),
          };
      }
      return { kind: 'refused', reason };
    }
  }

  async transactionExists(chainId: number, hash: Hash): Promise<boolean> {
    return this.pool(chainId).call('eth_getTransactionByHash', async (c) => {
      try {
        await c.getTransaction({ hash });
        return true;
      } catch (e) {
        if (e instanceof Error && e.name === 'TransactionNotFoundError') return false;
        throw e;
      }
    });
  }

  receipt(chainId: number, hash: Hash): Promise<TransactionReceipt | null> {
    return this.pool(chainId).call('eth_getTransactionReceipt', async (c) => {
      try {
        return await c.getTransactionReceipt({ hash });
      } catch (e) {
        if (e instanceof Error && e.name === 'TransactionReceiptNotFoundError') return null;
        throw e;
      }
    });
  }

  head(chainId: number): Promise<bigint> {
    return this.pool(chainId).call('eth_blockNumber', (c) => c.getBlockNumber({ cacheTime: 0 }));
  }

  async block(chainId: number, number: bigint): Promise<BlockRef | null> {
    return this.pool(chainId).call('eth_getBlockByNumber', async (c) => {
      try {
        const b = await c.getBlock({ blockNumber: number });
        return b.hash ? { number, hash: b.hash, parentHash: b.parentHash } : null;
      } catch (e) {
        if (e instanceof Error && e.name === 'BlockNotFoundError') return null;
        throw e;
      }
    });
  }

  logs(chainId: number, blockHash: Hash): Promise<Log[]> {
    return this.pool(chainId).call('eth_getLogs', (c) => c.getLogs({ blockHash }));
  }

  /**
   * Why a mined transaction reverted: its call replayed on the state before
   * its block. A revert that depended on transactions earlier in the same
   * block may not reproduce; the reason then says so.
   */
  async revertOf(
    chainId: number,
    from: Address,
    raw: Hex,
    blockNumber: bigint,
  ): Promise<RevertInfo> {
    const tx = parseTransaction(raw);
    if (!tx.to) return { reason: 'contract creation reverted' };
    const to = tx.to;
    try {
      await this.pool(chainId).call('eth_call', (c) =>
        c.call({
          account: from,
          to,
          data: tx.data ?? '0x',
          value: tx.value ?? 0n,
          ...(tx.gas !== undefined ? { gas: tx.gas } : {}),
          blockNumber: blockNumber > 0n ? blockNumber - 1n : 0n,
        }),
      );
      return {
        reason:
          'reverted on chain; the replay on the parent block succeeds (state changed within the block)',
      };
    } catch (err) {
      if (err instanceof ChainRpcError && err.kind === 'transport') throw err;
      const data = revertDataOf(err instanceof ChainRpcError ? err.cause : err);
      return decodeRevertData(data);
    }
  }

  minedNonce(chainId: number, address: Address): Promise<number> {
    return this.pool(chainId).minedNonce(address);
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
