import { transactionHashOf } from '@keel/chain';
import type { PayloadOf } from '@keel/events';
import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import { getAddress, type Hash, type Hex } from 'viem';
import type { EntityManager } from 'typeorm';
import type { ChainRepository } from '../../../chain/chain.repository';
import { droppedReceipt, minedReceipt } from '../../receipts';
import { applySendOutcome } from '../../send-outcome';
import type { TrackedTransactionRepository } from '../../tracked-transaction.repository';

type Tx = { manager: EntityManager; outbox: TransactionOutbox };

/** Test-only crash points (KEEL_FAULT under NODE_ENV=test); none in production. */
export interface BroadcastFaults {
  /** Runs once a node accepted the bytes, before the tracked row and the inbox entry commit. */
  readonly afterBroadcast?: () => void;
}

/**
 * `broadcast.requested`: send the validated raw bytes through the upstream
 * pool and start tracking their hash. The same bytes twice are one
 * transaction (tracked once, "already known" is success); a replay after the
 * node accepted them (or even mined them) derives the same hash from the bytes
 * and continues confirmation instead of failing.
 */
export class BroadcastTransactionUseCase {
  constructor(
    private readonly chain: ChainRepository,
    private readonly tracked: TrackedTransactionRepository,
    private readonly defaultConfirmations: number,
    private readonly logger: Logger,
    private readonly faults: BroadcastFaults = {},
  ) {}

  async execute(
    organizationId: string,
    p: PayloadOf<'keel.broadcast.requested.v1'>,
    tx: Tx,
  ): Promise<void> {
    const raw = p.rawTransaction as Hex;
    const hash = transactionHashOf(raw);
    const row = {
      chainId: p.chainId,
      hash,
      organizationId,
      operationId: p.operationId,
      transactionIndex: p.transactionIndex,
      from: getAddress(p.from),
      nonce: Number(p.nonce),
      rawTx: raw,
      confirmationsRequired: p.confirmations ?? this.defaultConfirmations,
    };
    if (hash !== (p.hash.toLowerCase() as Hash)) {
      // Not the bytes the engine validated: refuse before anything reaches a node.
      await tx.outbox.publish(
        'keel.receipt.v1',
        droppedReceipt(
          {
            ...row,
            hash: p.hash as Hash,
            state: 'dropped',
            blockNumber: null,
            blockHash: null,
            status: null,
            lastError: null,
          },
          'PAYLOAD_MISMATCH',
          'hash does not match keccak256 of the raw transaction',
        ),
      );
      return;
    }
    if (!this.chain.supports(p.chainId)) {
      await tx.outbox.publish(
        'keel.receipt.v1',
        droppedReceipt(
          {
            ...row,
            state: 'dropped',
            blockNumber: null,
            blockHash: null,
            status: null,
            lastError: null,
          },
          'CHAIN_NOT_CONFIGURED',
          `chain ${p.chainId} is not configured`,
        ),
      );
      return;
    }
    const t = await this.tracked.upsert(tx.manager, row);
    if (t.state === 'included' || t.state === 'confirmed' || t.state === 'final') {
      // A replay of a transaction already mined: report where it is, do not send again.
      const receipt = await this.chain.receipt(t.chainId, t.hash);
      if (receipt) {
        const head = await this.chain.head(t.chainId);
        await tx.outbox.publish(
          'keel.receipt.v1',
          minedReceipt(t, receipt, Number(head - receipt.blockNumber + 1n)),
        );
        return;
      }
    }
    const outcome = await this.chain.send(t.chainId, t.rawTx, t.hash);
    if (outcome.kind === 'accepted') {
      this.faults.afterBroadcast?.();
      this.logger.info(
        { operationId: t.operationId, chainId: t.chainId, hash: t.hash, nonce: t.nonce },
        'transaction broadcast',
      );
    }
    // A refusal or no answer commits the row as pending (the tracker sends it again and follows
    // its receipt) unless the bytes can never be mined: a signed transaction a node may hold
    // is never reported as failed.
    await applySendOutcome(this.tracked, this.logger, tx, t, outcome);
  }
}
