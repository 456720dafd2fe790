import { randomUUID } from 'node:crypto';
import { ChainRpcError, FeeCapExceededError, type FeePolicy } from '@keel/chain';
import type { PayloadOf } from '@keel/events';
import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import { getAddress, type Hash, type Hex } from 'viem';
import type { EntityManager } from 'typeorm';
import type { ChainRepository } from '../../../chain/chain.repository';
import { requestSignature } from '../../lane-signing';
import type { NonceLaneRepository, Reservation } from '../../nonce-lane.repository';
import type { SigningFaults } from '../../signing-faults';

export interface ReserveAndSignCommand {
  readonly organizationId: string;
  readonly request: PayloadOf<'keel.signature.requested.v1'>;
}

type Tx = { manager: EntityManager; outbox: TransactionOutbox };

/**
 * `signature.requested`: reserve the next nonce of the lane (organization,
 * signer, chain) and ask key-guardian to sign. The lane row is locked for the
 * transaction, so concurrent requests get contiguous nonces and no nonce is
 * handed out twice; the reservation, the lane's next nonce and the signing
 * request commit together. A replay of the same reservation key never reserves
 * again: it republishes the signed bytes, or the pending signing request.
 */
export class ReserveAndSignUseCase {
  constructor(
    private readonly lanes: NonceLaneRepository,
    private readonly chain: ChainRepository,
    private readonly logger: Logger,
    private readonly faults: SigningFaults = {},
  ) {}

  async execute(cmd: ReserveAndSignCommand, tx: Tx): Promise<void> {
    const { request } = cmd;
    const reservationKey =
      request.nonceReservationId ?? `${request.operationId}:${request.transactionIndex}`;
    const existing = await this.lanes.findLiveByKey(tx.manager, reservationKey);
    if (existing) return this.replay(existing, request, tx);

    const chainId = request.call.chainId;
    const signer = getAddress(request.call.from);
    const lane = { organizationId: request.organizationId ?? cmd.organizationId, signer, chainId };
    const call = {
      from: signer,
      to: getAddress(request.call.to),
      data: request.call.data as Hex,
      value: BigInt(request.call.value),
    };
    const fail = (code: string, message: string, details?: Record<string, unknown>) =>
      tx.outbox.publish('keel.signature.result.v1', {
        outcome: 'failed',
        operationId: request.operationId,
        transactionIndex: request.transactionIndex,
        nonceReservationId: reservationKey,
        error: { code, message, retryable: false, ...(details ? { details } : {}) },
      });
    if (!this.chain.supports(chainId))
      return void (await fail('SIGNING_FAILED', `chain ${chainId} is not configured`));

    let gas: bigint;
    let fees;
    let funds: { balance: bigint; minedNonce: number };
    try {
      gas = request.gasLimit
        ? BigInt(request.gasLimit)
        : ((await this.chain.estimateGas(chainId, call)) * 120n) / 100n;
      const ceiling = request.fees ? BigInt(request.fees.maxFeePerGas) : undefined;
      const policy: FeePolicy =
        ceiling !== undefined && ceiling < this.chain.feePolicy.maxFeePerGasCap
          ? { ...this.chain.feePolicy, maxFeePerGasCap: ceiling }
          : this.chain.feePolicy;
      [fees, funds] = await Promise.all([
        this.chain.fees(chainId, policy),
        this.chain.fundsAt(chainId, signer),
      ]);
    } catch (err) {
      if (err instanceof FeeCapExceededError)
        return void (await fail('SIGNING_FAILED', err.message, { cause: 'FEE_CAP_EXCEEDED' }));
      // The estimate itself ran out of native currency (the value, or gas at the node's price).
      if (err instanceof ChainRpcError && err.kind === 'insufficient-funds')
        return void (await fail('INSUFFICIENT_GAS_FUNDS', err.message, {
          wallet: signer,
          chainId,
          cause: 'ESTIMATION',
        }));
      if (err instanceof ChainRpcError && err.kind === 'reverted') {
        return void (await fail('SIGNING_FAILED', err.message, { cause: 'ESTIMATION_REVERTED' }));
      }
      throw err; // transport: retried by the bus with backoff
    }

    let next = await this.lanes.lockLane(tx.manager, lane);
    if (next === null) {
      // A new lane starts at the chain's pending nonce (the key may have been used before Keel).
      await this.lanes.createLane(tx.manager, lane, await this.chain.pendingNonce(chainId, signer));
      next = await this.lanes.lockLane(tx.manager, lane);
      if (next === null) throw new Error('nonce lane vanished after creation');
    }
    // Can the wallet pay? Gas limit × max fee + value, on top of what its reservations still
    // in flight may spend (read under the lane lock, so concurrent requests cannot each pass
    // against the same balance). A shortfall fails the operation before any signature exists
    // and reserves nothing.
    const needed = gas * fees.maxFeePerGas + call.value;
    const committed = await this.lanes.committedSpend(tx.manager, lane, funds.minedNonce);
    if (funds.balance < committed + needed) {
      this.logger.warn(
        { operationId: request.operationId, signer, chainId, needed: needed.toString() },
        'signer wallet cannot pay for the transaction; nothing signed',
      );
      return void (await fail(
        'INSUFFICIENT_GAS_FUNDS',
        `The signer wallet ${signer} cannot pay for this transaction: it needs ${needed} wei (gas limit ${gas} × max fee ${fees.maxFeePerGas} + value ${call.value})${committed > 0n ? ` beyond the ${committed} wei its transactions in flight may spend` : ''}, and holds ${funds.balance} wei. Fund the wallet (wallet.fund) and submit again.`,
        {
          wallet: signer,
          chainId,
          needed: needed.toString(),
          available: funds.balance.toString(),
          committed: committed.toString(),
          gasLimit: gas.toString(),
          maxFeePerGas: fees.maxFeePerGas.toString(),
          value: call.value.toString(),
        },
      ));
    }
    const nonce = next;
    await this.lanes.setNextNonce(tx.manager, lane, nonce + 1);
    const plan = {
      operationId: request.operationId,
      signer,
      chainId,
      nonce,
      to: call.to,
      data: call.data,
      value: call.value,
      gas,
      fees,
    };
    const { requestId, unsignedTx } = await requestSignature(
      tx.outbox,
      this.faults.tamperPlan ? this.faults.tamperPlan(plan) : plan,
    );
    await this.lanes.insert(tx.manager, {
      id: randomUUID(),
      ...lane,
      nonce,
      kind: 'operation',
      reservationKey,
      operationId: request.operationId,
      transactionIndex: request.transactionIndex,
      state: 'signing',
      to: call.to,
      data: call.data,
      value: call.value,
      gas,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      signRequestId: requestId,
      unsignedTx,
    });
    this.logger.info(
      { operationId: request.operationId, signer, chainId, nonce, requestId },
      'nonce reserved; signature requested',
    );
  }

  private async replay(
    r: Reservation,
    request: PayloadOf<'keel.signature.requested.v1'>,
    tx: Tx,
  ): Promise<void> {
    if (
      r.rawTx &&
      r.txHash &&
      (r.state === 'signed' || r.state === 'broadcast' || r.state === 'mined')
    ) {
      await tx.outbox.publish(
        'keel.signature.result.v1',
        signedResult(r, request.transactionIndex),
      );
      return;
    }
    if (r.state === 'signing' && r.signRequestId && r.unsignedTx) {
      await tx.outbox.publish('keel.key.sign.requested.v1', {
        requestId: r.signRequestId,
        operationId: r.operationId,
        signer: r.signer,
        chainId: r.chainId,
        unsignedTransaction: r.unsignedTx,
      });
    }
  }
}

export function signedResult(
  r: Reservation,
  transactionIndex = r.transactionIndex,
  replaces?: Hash,
): PayloadOf<'keel.signature.result.v1'> {
  return {
    outcome: 'signed',
    operationId: r.operationId,
    transactionIndex,
    chainId: r.chainId,
    signer: r.signer,
    nonce: String(r.nonce),
    rawTransaction: r.rawTx ?? '0x',
    hash: r.txHash ?? '0x',
    ...(r.reservationKey ? { nonceReservationId: r.reservationKey } : {}),
    gasLimit: r.gas.toString(),
    fees: {
      maxFeePerGas: r.maxFeePerGas.toString(),
      maxPriorityFeePerGas: r.maxPriorityFeePerGas.toString(),
    },
    ...(replaces ? { replaces } : {}),
  };
}
