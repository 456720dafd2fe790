import type { PayloadOf } from '@keel/events';
import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { Hash } from 'viem';
import type { EntityManager } from 'typeorm';
import { failedResult } from '../../lane-signing';
import type { LaneKey, NonceLaneRepository } from '../../nonce-lane.repository';

/** Follows a reservation through broadcast and receipts (from chain-gateway). */
export class TrackTransactionUseCase {
  constructor(
    private readonly lanes: NonceLaneRepository,
    private readonly logger: Logger,
  ) {}

  async broadcastRequested(
    manager: EntityManager,
    p: PayloadOf<'keel.broadcast.requested.v1'>,
  ): Promise<void> {
    const r = await this.lanes.findByHash(manager, p.chainId, p.hash as Hash);
    if (r && r.state === 'signed')
      await this.lanes.update(manager, r.id, { state: 'broadcast', broadcastAt: new Date() });
  }

  /**
   * Returns the lane to reconcile when the receipt says the transaction will not be mined as
   * is: refused for now (a gap to fill, fees to raise) or dropped (its nonce went to another
   * transaction: reconciliation re-signs the step on a new nonce). Bytes no node can ever
   * take (INVALID_TRANSACTION) end the step: the reservation is abandoned (its nonce is
   * filled with a no-op by reconciliation) and the operation fails, since no signed bytes
   * of it can be mined. The lane is named, not found by its live reservations: an abandoned
   * reservation is not live, and it may have been the lane's only one.
   */
  async receipt(
    tx: { manager: EntityManager; outbox: TransactionOutbox },
    p: PayloadOf<'keel.receipt.v1'>,
  ): Promise<{ reconcile: LaneKey | null }> {
    const manager = tx.manager;
    const r = await this.lanes.findByHash(manager, p.chainId, p.hash as Hash);
    if (!r) return { reconcile: null };
    const lane: LaneKey = {
      organizationId: r.organizationId,
      signer: r.signer,
      chainId: r.chainId,
    };
    const ours = r.txHash?.toLowerCase() === p.hash.toLowerCase();
    switch (p.status) {
      case 'success':
      case 'reverted':
        if (ours)
          await this.lanes.update(manager, r.id, { state: r.kind === 'noop' ? 'filled' : 'mined' });
        return { reconcile: null };
      case 'reorged':
        if (ours && r.state === 'mined')
          await this.lanes.update(manager, r.id, { state: 'broadcast' });
        return { reconcile: null };
      case 'refused':
        return { reconcile: lane };
      case 'dropped':
        if (
          ours &&
          r.kind === 'operation' &&
          p.error?.code === 'INVALID_TRANSACTION' &&
          (r.state === 'signed' || r.state === 'broadcast')
        ) {
          // The lane lock holds the reconciliation this receipt starts until the abandonment
          // commits; before, it could see the row still `broadcast` and send its bytes again.
          await this.lanes.lockLane(manager, lane);
          await this.lanes.update(manager, r.id, {
            state: 'abandoned',
            lastError: `INVALID_TRANSACTION: ${p.error.message}`.slice(0, 500),
          });
          await tx.outbox.publish(
            'keel.signature.result.v1',
            failedResult(r, {
              code: 'SIGNING_FAILED',
              message: `No node can take the signed transaction: ${p.error.message}`,
              details: { cause: 'INVALID_TRANSACTION', hash: p.hash, nonce: r.nonce },
            }),
            { correlationId: r.operationId, organizationId: r.organizationId },
          );
        }
        this.logger.warn(
          { operationId: r.operationId, nonce: r.nonce, hash: p.hash, code: p.error?.code },
          'transaction dropped; reconciling its lane',
        );
        return { reconcile: lane };
    }
  }
}
