import { randomUUID } from 'node:crypto';
import { FeeCapExceededError, repriceFees } from '@keel/chain';
import { inTransaction, type TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { DataSource, EntityManager } from 'typeorm';
import type { ChainRepository } from '../../../chain/chain.repository';
import { NOOP_GAS, noopOperationId, requestSignature } from '../../lane-signing';
import {
  type LaneKey,
  liveStates,
  type NonceLaneRepository,
  type Reservation,
} from '../../nonce-lane.repository';
import type { CompleteSigningUseCase } from '../complete-signing/complete-signing.usecase';

export interface ReconcileReport {
  readonly minedNonce: number;
  readonly pendingNonce: number;
  /** Reservations whose nonce another transaction consumed; their operations got a new nonce. */
  readonly replaced: number;
  readonly filled: number;
  readonly rebroadcast: number;
  readonly repriced: number;
  readonly laneAdvancedTo: number | null;
}

const isLive = (r: Reservation) => (liveStates as readonly string[]).includes(r.state);

/**
 * Brings a nonce lane back in line with the chain:
 * - nonce too low / key used outside Keel: a reservation below the chain's
 *   mined nonce whose own transaction is not mined lost its nonce to another
 *   transaction; it is marked replaced and its operation gets a fresh nonce
 *   (its old bytes can never be mined, so there is no double effect), and the
 *   lane's next nonce jumps to the chain's pending nonce;
 * - nonce too high (a gap the chain waits on): signed bytes at the gap are
 *   broadcast again, and a nonce nothing will use is filled with a no-op;
 * - stuck: the head-of-lane transaction older than `stuckAfterMs` is re-priced
 *   (both fees +10% at least, capped) and replaced with the same nonce.
 */
export class ReconcileLaneUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lanes: NonceLaneRepository,
    private readonly chain: ChainRepository,
    private readonly completeSigning: CompleteSigningUseCase,
    private readonly logger: Logger,
    private readonly stuckAfterMs: number,
  ) {}

  async execute(lane: LaneKey, now: Date = new Date()): Promise<ReconcileReport> {
    const [minedNonce, pendingNonce] = await Promise.all([
      this.chain.minedNonce(lane.chainId, lane.signer),
      this.chain.pendingNonce(lane.chainId, lane.signer),
    ]);
    return inTransaction(this.dataSource, { organizationId: lane.organizationId }, async (tx) => {
      const next = await this.lanes.lockLane(tx.manager, lane);
      const report = {
        minedNonce,
        pendingNonce,
        replaced: 0,
        filled: 0,
        rebroadcast: 0,
        repriced: 0,
        laneAdvancedTo: null as number | null,
      };
      if (next === null) return report;
      const rows = await this.lanes.lane(tx.manager, lane);
      let laneNext = next;
      if (pendingNonce > laneNext) {
        laneNext = pendingNonce;
        report.laneAdvancedTo = laneNext;
      }

      // Below the mined nonce: ours was mined, or someone else took the nonce.
      for (const r of rows.filter((x) => isLive(x) && x.nonce < minedNonce)) {
        // Any version of the nonce's bytes (a re-priced one included) being mined is ours.
        const hashes = [...(r.txHash ? [r.txHash] : []), ...r.replacedHashes];
        if (hashes.length > 0 && (await this.chain.anyMined(r.chainId, hashes))) {
          await this.lanes.update(tx.manager, r.id, {
            state: r.kind === 'noop' ? 'filled' : 'mined',
          });
          continue;
        }
        await this.lanes.update(tx.manager, r.id, {
          state: 'replaced',
          signRequestId: null,
          lastError: 'nonce consumed by another transaction',
        });
        report.replaced++;
        if (r.kind === 'operation') {
          await this.reReserve(r, laneNext, tx);
          laneNext++;
        }
      }

      // From the mined nonce up to the lane's next: every nonce must be on its way to the chain.
      const byNonce = new Map(rows.map((r) => [r.nonce, r] as const));
      for (let n = minedNonce; n < next; n++) {
        const r = byNonce.get(n);
        if (!r || r.state === 'replaced' || r.state === 'abandoned') {
          await this.fillGap(lane, n, r, tx);
          report.filled++;
          continue;
        }
        if (r.rawTx && n >= pendingNonce && (r.state === 'broadcast' || r.state === 'filled')) {
          // The node does not have it (dropped, or an upstream restarted): the same bytes again.
          // Only bytes the engine let go (broadcast) or a no-op fill: `signed` bytes wait for
          // the engine's payload check, and an operation that failed before it never sends them.
          await this.chain
            .sendRaw(r.chainId, r.rawTx)
            .catch((err: unknown) =>
              this.logger.warn(
                { chainId: r.chainId, nonce: n, err: (err as Error).message },
                'rebroadcast refused',
              ),
            );
          report.rebroadcast++;
        }
      }

      // Stuck head of the lane: re-price and replace with the same nonce.
      const head = byNonce.get(minedNonce);
      if (
        head &&
        head.kind === 'operation' &&
        (head.state === 'signed' || head.state === 'broadcast') &&
        head.rawTx &&
        head.signRequestId === null &&
        head.signedAt &&
        now.getTime() - head.signedAt.getTime() >= this.stuckAfterMs
      ) {
        if (await this.reprice(head, tx)) report.repriced++;
      }
      if (laneNext !== next) await this.lanes.setNextNonce(tx.manager, lane, laneNext);
      if (
        report.replaced + report.filled + report.rebroadcast + report.repriced > 0 ||
        report.laneAdvancedTo !== null
      ) {
        this.logger.info({ ...lane, ...report }, 'nonce lane reconciled');
      }
      return report;
    });
  }

  /** Reconciles every lane with reservations in flight. */
  async executeAll(now: Date = new Date()): Promise<void> {
    for (const lane of await this.lanes.lanesWithLiveReservations()) {
      try {
        await this.execute(lane, now);
      } catch (err) {
        this.logger.warn(
          { ...lane, err: (err as Error).message },
          'nonce lane reconciliation failed; will retry',
        );
      }
    }
  }

  private async reReserve(
    r: Reservation,
    nonce: number,
    tx: { manager: EntityManager; outbox: TransactionOutbox },
  ): Promise<void> {
    const fees = await this.chain.fees(r.chainId);
    const { requestId, unsignedTx } = await requestSignature(
      tx.outbox,
      {
        operationId: r.operationId,
        signer: r.signer,
        chainId: r.chainId,
        nonce,
        to: r.to,
        data: r.data,
        value: r.value,
        gas: r.gas,
        fees,
      },
      { correlationId: r.operationId },
    );
    const id = randomUUID();
    await this.lanes.insert(tx.manager, {
      id,
      organizationId: r.organizationId,
      signer: r.signer,
      chainId: r.chainId,
      nonce,
      kind: 'operation',
      reservationKey: r.reservationKey,
      operationId: r.operationId,
      transactionIndex: r.transactionIndex,
      state: 'signing',
      to: r.to,
      data: r.data,
      value: r.value,
      gas: r.gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      signRequestId: requestId,
      unsignedTx,
    });
    // The successor remembers what it replaces, so signature.result can say so.
    if (r.txHash)
      await this.lanes.update(tx.manager, id, { replacedHashes: [...r.replacedHashes, r.txHash] });
    this.logger.warn(
      { operationId: r.operationId, lostNonce: r.nonce, nonce },
      'nonce lost to a transaction outside Keel; re-reserved',
    );
  }

  private async fillGap(
    lane: LaneKey,
    nonce: number,
    existing: Reservation | undefined,
    tx: { manager: EntityManager; outbox: TransactionOutbox },
  ): Promise<void> {
    if (existing) {
      await this.completeSigning.fillWithNoop(existing, tx);
      return;
    }
    const fees = await this.chain.fees(lane.chainId);
    const operationId = noopOperationId(lane.chainId, lane.signer, nonce);
    const { requestId, unsignedTx } = await requestSignature(
      tx.outbox,
      {
        operationId,
        signer: lane.signer,
        chainId: lane.chainId,
        nonce,
        to: lane.signer,
        data: '0x',
        value: 0n,
        gas: NOOP_GAS,
        fees,
      },
      { correlationId: operationId },
    );
    await this.lanes.insert(tx.manager, {
      id: randomUUID(),
      ...lane,
      nonce,
      kind: 'noop',
      reservationKey: null,
      operationId,
      transactionIndex: 0,
      state: 'signing',
      to: lane.signer,
      data: '0x',
      value: 0n,
      gas: NOOP_GAS,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      signRequestId: requestId,
      unsignedTx,
    });
  }

  private async reprice(
    r: Reservation,
    tx: { manager: EntityManager; outbox: TransactionOutbox },
  ): Promise<boolean> {
    let fees;
    try {
      fees = repriceFees(
        { maxFeePerGas: r.maxFeePerGas, maxPriorityFeePerGas: r.maxPriorityFeePerGas },
        await this.chain.fees(r.chainId),
        this.chain.feePolicy,
      );
    } catch (err) {
      if (err instanceof FeeCapExceededError) {
        this.logger.warn(
          { operationId: r.operationId, nonce: r.nonce, cap: err.cap.toString() },
          'stuck transaction at the fee cap; waiting',
        );
        return false;
      }
      throw err;
    }
    const { requestId, unsignedTx } = await requestSignature(
      tx.outbox,
      {
        operationId: r.operationId,
        signer: r.signer,
        chainId: r.chainId,
        nonce: r.nonce,
        to: r.to,
        data: r.data,
        value: r.value,
        gas: r.gas,
        fees,
      },
      { correlationId: r.operationId },
    );
    await this.lanes.update(tx.manager, r.id, { signRequestId: requestId, unsignedTx });
    this.logger.info(
      {
        operationId: r.operationId,
        nonce: r.nonce,
        maxFeePerGas: fees.maxFeePerGas.toString(),
        previous: r.maxFeePerGas.toString(),
      },
      'stuck transaction re-priced; replacement requested',
    );
    return true;
  }
}
