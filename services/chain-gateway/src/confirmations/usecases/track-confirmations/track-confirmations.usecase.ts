import { inTransaction } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import type { ChainRepository } from '../../../chain/chain.repository';
import {
  droppedReceipt,
  minedReceipt,
  refusalCode,
  reorgedReceipt,
} from '../../../broadcast/receipts';
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
 */
export class TrackConfirmationsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly chain: ChainRepository,
    private readonly tracked: TrackedTransactionRepository,
    private readonly reorgWindow: number,
    private readonly logger: Logger,
  ) {}

  async tick(chainId: number): Promise<void> {
    const open = await this.tracked.open(chainId);
    if (open.length === 0) return;
    const head = await this.chain.head(chainId);
    for (const t of open) await this.follow(t, head);
  }

  private async follow(snapshot: TrackedTransaction, head: bigint): Promise<void> {
    await inTransaction(
      this.dataSource,
      { organizationId: snapshot.organizationId, correlationId: snapshot.operationId },
      async (tx) => {
        const t = await this.tracked.lock(tx.manager, snapshot.chainId, snapshot.hash);
        if (!t || t.state === 'final' || t.state === 'dropped') return;
        const receipt = await this.chain.receipt(t.chainId, t.hash);
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
          if (sent.kind === 'refused') {
            const { code, retryable } = refusalCode(sent.reason);
            await this.tracked.update(tx.manager, t.chainId, t.hash, {
              state: 'dropped',
              lastError: sent.reason.message.slice(0, 500),
            });
            await tx.outbox.publish(
              'keel.receipt.v1',
              droppedReceipt(t, code, sent.reason.message, retryable),
            );
          }
          return;
        }
        const moved =
          t.blockHash !== null && t.blockHash.toLowerCase() !== receipt.blockHash.toLowerCase();
        if (moved) {
          await tx.outbox.publish('keel.receipt.v1', reorgedReceipt(t));
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
          );
          return;
        }
        if (t.state === 'confirmed' && depth > BigInt(this.reorgWindow)) {
          await this.tracked.update(tx.manager, t.chainId, t.hash, { state: 'final' });
        }
      },
    );
  }
}
