import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { EntityManager } from 'typeorm';
import type { NonceLaneRepository } from '../../nonce-lane.repository';
import type { CompleteSigningUseCase } from '../complete-signing/complete-signing.usecase';

type Tx = { manager: EntityManager; outbox: TransactionOutbox };

/**
 * The operation was CANCELLED: the engine cancels only before anything of it
 * went to the chain (at the latest while its signature waited for custodian
 * approval), so none of its reservations that are still reserved, signing or
 * signed was broadcast. Each becomes a no-op fill, so the lane keeps no gap.
 * The fill takes a new sign request id: a signature key-guardian settles later
 * under the old id (an approval decided just before the cancellation reached
 * it) finds no pending request and is ignored. A reservation already filled
 * (key-guardian refused the held request first) is no longer the operation's;
 * a second delivery finds nothing left to fill.
 */
export class ReleaseCancelledUseCase {
  constructor(
    private readonly lanes: NonceLaneRepository,
    private readonly completeSigning: CompleteSigningUseCase,
    private readonly logger: Logger,
  ) {}

  async execute(tx: Tx, organizationId: string, operationId: string): Promise<number> {
    const unsent = await this.lanes.lockUnbroadcastOf(tx.manager, organizationId, operationId);
    for (const r of unsent) {
      await this.completeSigning.fillWithNoop(r, tx);
      this.logger.info(
        { operationId, signer: r.signer, chainId: r.chainId, nonce: r.nonce, state: r.state },
        'operation cancelled; its nonce will be filled with a no-op',
      );
    }
    return unsent.length;
  }
}
