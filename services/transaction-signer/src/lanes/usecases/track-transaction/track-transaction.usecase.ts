import type { PayloadOf } from '@keel/events';
import type { Logger } from '@keel/telemetry';
import type { Hash } from 'viem';
import type { EntityManager } from 'typeorm';
import type { NonceLaneRepository } from '../../nonce-lane.repository';

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

  /** Returns the lane to reconcile when the receipt says the transaction will not be mined as is. */
  async receipt(
    manager: EntityManager,
    p: PayloadOf<'keel.receipt.v1'>,
  ): Promise<{ reconcile: boolean }> {
    const r = await this.lanes.findByHash(manager, p.chainId, p.hash as Hash);
    if (!r) return { reconcile: false };
    const ours = r.txHash?.toLowerCase() === p.hash.toLowerCase();
    switch (p.status) {
      case 'success':
      case 'reverted':
        if (ours)
          await this.lanes.update(manager, r.id, { state: r.kind === 'noop' ? 'filled' : 'mined' });
        return { reconcile: false };
      case 'reorged':
        if (ours && r.state === 'mined')
          await this.lanes.update(manager, r.id, { state: 'broadcast' });
        return { reconcile: false };
      case 'dropped':
        this.logger.warn(
          { operationId: r.operationId, nonce: r.nonce, hash: p.hash },
          'transaction dropped; reconciling its lane',
        );
        return { reconcile: true };
    }
  }
}
