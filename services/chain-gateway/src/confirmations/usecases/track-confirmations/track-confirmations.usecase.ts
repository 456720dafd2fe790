import { inTransaction, type TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { TransactionReceipt } from 'viem';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChainRepository } from '../../../chain/chain.repository';
import { minedReceipt, reorgedReceipt } from '../../../broadcast/receipts';
import { applySendOutcome } from '../../../broadcast/send-outcome';
import type {
  TrackedTransaction,
  TrackedTransactionRepository,
} from '../../../broadcast/tracked-transaction.repository';

/**
 * Follows every open transaction of a chain to its receipt. A receipt is
 * published when the transaction is first included and again when it reaches
 * its required confirmations. A receipt whose block is no longer canonical
 * (the node reports another block, or none) is a reorg: `reorged` is
 * published (the engine returns the operation to CONFIRMING) and the same
 * bytes are broadcast again. Confirmed transactions stay watched for
 * `reorgWindow` blocks, then become final.
 *
 * One tick looks all open receipts up concurrently (bounded) and opens a
 * database transaction only for the transactions whose state changes. A
 * pending transaction the node does not know as mined is broadcast again at
 * most every `rebroadcastAfterMs` (and on its first tick in this process, so
 * a restart re-sends what a crash may have lost). A node refusing the bytes
 * again (no funds yet, fees, a gap) keeps them pending and sent; only bytes
 * that can never be mined (their nonce went to another transaction) end
 * `dropped` (see applySendOutcome).
 */
export class TrackConfirmationsUseCase {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: ChainRepository,
    private readonly tracked: TrackedTransactionRepository,
    private readonly reorgWindow: number,
    private readonly logger: Logger,
    private readonly concurrency = 16,
    private readonly rebroadcastAfterMs = 10_000,
  ) {}

  async tick(chainId: number): Promise<void> {
    const open = await this.tracked.open(chainId);
    if (open.length === 0) {
      this.lastSent.clear();
      return;
    }
    const head = await this.chain.head(chainId);
    const receipts = await mapLimit(open, this.concurrency, (t) =>
      this.chain.receipt(chainId, t.hash),
    );
    const now = Date.now();
    const changed: { t: TrackedTransaction; receipt: TransactionReceipt | null }[] = [];
    const live = new Set<string>();
    open.forEach((t, i) => {
      live.add(t.hash);
      const receipt = receipts[i] ?? null;
      if (this.changes(t, receipt, head, now)) changed.push({ t, receipt });
    });
    for (const hash of this.lastSent.keys()) if (!live.has(hash)) this.lastSent.delete(hash);
    // Receipts on the block the row knows (or a first receipt) are the steady stream: one
    // transaction writes them all. A missing receipt or a moved block (re-broadcast, reorg)
    // goes on its own, so a failing node call holds back nothing else.
    const onBlock: { t: TrackedTransaction; receipt: TransactionReceipt }[] = [];
    const apart: typeof changed = [];
    for (const c of changed)
      if (c.receipt && !movedBlock(c.t, c.receipt)) onBlock.push({ t: c.t, receipt: c.receipt });
      else apart.push(c);
    // Bounded transactions: a long backlog after a pause is written a slice at a time.
    for (let i = 0; i < onBlock.length; i += 200)
      await this.followMany(chainId, head, onBlock.slice(i, i + 200));
    await mapLimit(apart, this.concurrency, ({ t, receipt }) => this.follow(t, head, receipt));
  }

  /** Applies receipts on their known block for many transactions in one database transaction. */
  private async followMany(
    chainId: number,
    head: bigint,
    items: readonly { t: TrackedTransaction; receipt: TransactionReceipt }[],
  ): Promise<void> {
    const first = items[0]!.t;
    await inTransaction(
      this.dataSource,
      { organizationId: first.organizationId, correlationId: first.operationId },
      async (tx) => {
        const locked = await this.tracked.lockMany(
          tx.manager,
          chainId,
          items.map((i) => i.t.hash),
        );
        for (const { t: snapshot, receipt } of items) {
          const t = locked.get(snapshot.hash.toLowerCase());
          // Taken by another instance, ended, or moved since the snapshot: the next tick sees it.
          if (!t || t.state === 'final' || t.state === 'dropped' || movedBlock(t, receipt))
            continue;
          await this.applyReceipt(tx, t, head, receipt);
        }
      },
    );
  }

  /** Whether a tracked transaction needs a write (or a re-broadcast) given its receipt now. */
  private changes(
    t: TrackedTransaction,
    receipt: TransactionReceipt | null,
    head: bigint,
    now: number,
  ): boolean {
    if (!receipt) {
      if (t.state !== 'pending') return true; // re-orged out
      const sent = this.lastSent.get(t.hash);
      if (sent !== undefined && now - sent < this.rebroadcastAfterMs) return false;
      this.lastSent.set(t.hash, now);
      return true;
    }
    if (t.state === 'pending') return true;
    if (movedBlock(t, receipt)) return true;
    const depth = head >= receipt.blockNumber ? head - receipt.blockNumber + 1n : 1n;
    if (t.state === 'included') return Number(depth) >= t.confirmationsRequired;
    return t.state === 'confirmed' && depth > BigInt(this.reorgWindow);
  }

  private async follow(
    snapshot: TrackedTransaction,
    head: bigint,
    receipt: TransactionReceipt | null,
  ): Promise<void> {
    await inTransaction(
      this.dataSource,
      { organizationId: snapshot.organizationId, correlationId: snapshot.operationId },
      async (tx) => {
        const t = await this.tracked.lock(tx.manager, snapshot.chainId, snapshot.hash);
        if (!t || t.state === 'final' || t.state === 'dropped') return;
        if (!receipt) {
          if (t.state === 'included' || t.state === 'confirmed') {
            await tx.outbox.publish('keel.receipt.v1', reorgedReceipt(t));
            await this.tracked.update(tx.manager, t.chainId, t.hash, {
              state: 'pending',
              blockNumber: null,
              blockHash: null,
              status: null,
            });
            this.logger.warn(
              { operationId: t.operationId, hash: t.hash, block: t.blockNumber?.toString() },
              'transaction re-orged out; re-broadcasting',
            );
          }
          const sent = await this.chain.send(t.chainId, t.rawTx, t.hash);
          await applySendOutcome(this.tracked, this.logger, tx, t, sent);
          return;
        }
        await this.applyReceipt(tx, t, head, receipt);
      },
    );
  }

  /** Writes what a receipt says about a locked transaction and publishes it when it is news. */
  private async applyReceipt(
    tx: { manager: EntityManager; outbox: TransactionOutbox },
    t: TrackedTransaction,
    head: bigint,
    receipt: TransactionReceipt,
  ): Promise<void> {
    const meta = { organizationId: t.organizationId, correlationId: t.operationId };
    const moved = movedBlock(t, receipt);
    if (moved) {
      await tx.outbox.publish('keel.receipt.v1', reorgedReceipt(t), meta);
      this.logger.warn(
        { operationId: t.operationId, hash: t.hash, from: t.blockHash, to: receipt.blockHash },
        'transaction moved to another block by a reorg',
      );
    }
    const depth = head >= receipt.blockNumber ? head - receipt.blockNumber + 1n : 1n;
    const confirmations = Number(depth);
    const state = confirmations >= t.confirmationsRequired ? 'confirmed' : 'included';
    if (moved || t.state === 'pending' || (t.state === 'included' && state === 'confirmed')) {
      await this.tracked.update(tx.manager, t.chainId, t.hash, {
        state,
        blockNumber: receipt.blockNumber,
        blockHash: receipt.blockHash,
        status: receipt.status === 'success' ? 'success' : 'reverted',
        gasUsed: receipt.gasUsed,
        effectiveGasPrice: receipt.effectiveGasPrice,
      });
      const revert =
        receipt.status === 'reverted'
          ? await this.chain.revertOf(t.chainId, t.from, t.rawTx, receipt.blockNumber)
          : undefined;
      await tx.outbox.publish(
        'keel.receipt.v1',
        minedReceipt(t, receipt, confirmations, revert),
        meta,
      );
      return;
    }
    if (t.state === 'confirmed' && depth > BigInt(this.reorgWindow)) {
      await this.tracked.update(tx.manager, t.chainId, t.hash, { state: 'final' });
    }
  }
}

/** Whether the receipt puts the transaction in another block than the one recorded. */
function movedBlock(t: TrackedTransaction, receipt: TransactionReceipt): boolean {
  return t.blockHash !== null && t.blockHash.toLowerCase() !== receipt.blockHash.toLowerCase();
}

/** Maps with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
