import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { EntityManager } from 'typeorm';
import type { SendOutcome } from '../chain/chain.repository';
import { broadcastVerdict, droppedReceipt, refusedReceipt } from './receipts';
import type {
  TrackedTransaction,
  TrackedTransactionRepository,
} from './tracked-transaction.repository';

type Tx = { manager: EntityManager; outbox: TransactionOutbox };

/**
 * Records what a (re-)broadcast of a tracked transaction came to, the same way for a first
 * broadcast and for the tracker's re-sends:
 * - accepted: the row is pending with no error;
 * - refused, but the bytes may still be mined (no funds yet, a gap, fees, no answer): the
 *   row stays pending, so the tracker sends it again and follows its receipt; a `refused`
 *   receipt is published when the code is new for this row (not on every re-send);
 * - dropped, the bytes can never be mined (the nonce went to another transaction, or the
 *   bytes are invalid for every node): the row ends `dropped` and a `dropped` receipt says so.
 */
export async function applySendOutcome(
  tracked: TrackedTransactionRepository,
  logger: Logger,
  tx: Tx,
  t: TrackedTransaction,
  outcome: SendOutcome,
): Promise<void> {
  const meta = { organizationId: t.organizationId, correlationId: t.operationId };
  if (outcome.kind === 'accepted') {
    if (t.state === 'dropped')
      await tracked.update(tx.manager, t.chainId, t.hash, { state: 'pending', lastError: null });
    else if (t.lastError !== null)
      await tracked.update(tx.manager, t.chainId, t.hash, { lastError: null });
    return;
  }
  const verdict = broadcastVerdict(outcome.reason.kind);
  const message = outcome.reason.message.slice(0, 480);
  const lastError = `${verdict.code}: ${message}`;
  const log = { operationId: t.operationId, chainId: t.chainId, hash: t.hash, nonce: t.nonce };
  if (verdict.fate === 'dropped') {
    await tracked.update(tx.manager, t.chainId, t.hash, { state: 'dropped', lastError });
    await tx.outbox.publish('keel.receipt.v1', droppedReceipt(t, verdict.code, message), meta);
    logger.warn(
      { ...log, code: verdict.code },
      'transaction dropped: these bytes can never be mined',
    );
    return;
  }
  const news = !t.lastError?.startsWith(`${verdict.code}:`);
  await tracked.update(tx.manager, t.chainId, t.hash, { lastError });
  if (news) {
    await tx.outbox.publish('keel.receipt.v1', refusedReceipt(t, verdict.code, message), meta);
    logger.warn(
      { ...log, code: verdict.code, err: message },
      'broadcast refused; the bytes may still be mined, so they stay tracked and are sent again',
    );
  }
}
