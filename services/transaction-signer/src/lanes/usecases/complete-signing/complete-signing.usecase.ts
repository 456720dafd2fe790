import {
  attachSignature,
  ChainRpcError,
  type FieldMismatch,
  MalformedTransactionError,
  parseUnsignedTransaction,
  verifySignedTransaction,
} from '@keel/chain';
import { type PayloadOf, signingErrorCodes } from '@keel/events';
import type { TransactionOutbox } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import type { Hash, Hex } from 'viem';
import type { EntityManager } from 'typeorm';
import type { ChainRepository } from '../../../chain/chain.repository';
import { failedResult, NOOP_GAS, noopOperationId, requestSignature } from '../../lane-signing';
import {
  liveStates,
  type NonceLaneRepository,
  type Reservation,
} from '../../nonce-lane.repository';
import type { SigningFaults } from '../../signing-faults';
import { signedResult } from '../reserve-and-sign/reserve-and-sign.usecase';

type Tx = { manager: EntityManager; outbox: TransactionOutbox };

/**
 * `key.sign.result`: assemble the signed bytes, check them against the
 * reservation (payload integrity: nonce, to, calldata, chain id, value,
 * recovered signer) and publish `signature.result` with the raw bytes and the
 * hash derived from them. A refusal or a mismatch fails the operation and
 * turns the reservation into a no-op fill, so the lane keeps no gap. A
 * re-priced replacement goes the way of a first broadcast (signature.result →
 * the engine re-checks it → broadcast.requested → chain-gateway, which tracks
 * its hash); only a no-op fill, which belongs to no operation, is broadcast here.
 */
export class CompleteSigningUseCase {
  constructor(
    private readonly lanes: NonceLaneRepository,
    private readonly chain: ChainRepository,
    private readonly logger: Logger,
    private readonly faults: SigningFaults = {},
  ) {}

  async execute(result: PayloadOf<'keel.key.sign.result.v1'>, tx: Tx): Promise<void> {
    const r = await this.lanes.findByRequestId(tx.manager, result.requestId);
    if (!r || !(liveStates as readonly string[]).includes(r.state) || !r.unsignedTx) {
      this.logger.debug(
        { requestId: result.requestId },
        'key.sign.result for no pending request; ignored',
      );
      return;
    }
    const isReplacement = r.rawTx !== null && r.kind === 'operation';
    if (result.outcome === 'refused') {
      const code = (signingErrorCodes as readonly string[]).includes(result.error.code)
        ? result.error.code
        : 'SIGNING_FAILED';
      return this.reject(r, isReplacement, tx, code, result.error.message, {
        custodyCode: result.error.code,
        ...result.error.details,
      });
    }
    if (result.outcome === 'pending-approval') {
      // The reservation keeps its nonce and request id; the settled result arrives under the same id.
      if (r.kind === 'operation' && !isReplacement) {
        await tx.outbox.publish(
          'keel.signature.result.v1',
          {
            outcome: 'pending-approval',
            operationId: r.operationId,
            transactionIndex: r.transactionIndex,
            approvalId: result.approvalId,
            ...(r.reservationKey ? { nonceReservationId: r.reservationKey } : {}),
          },
          { correlationId: r.operationId, organizationId: r.organizationId },
        );
      }
      this.logger.info(
        { operationId: r.operationId, nonce: r.nonce, approvalId: result.approvalId },
        'signature held for custodian approval',
      );
      return;
    }
    let raw: Hex;
    let mismatches: readonly FieldMismatch[] = [];
    let hash: Hash | undefined;
    try {
      const signature =
        this.faults.tamperSignature && r.kind === 'operation'
          ? await this.faults.tamperSignature(r.unsignedTx)
          : (result.signature as Hex);
      raw = attachSignature(r.unsignedTx, signature);
      const check = await verifySignedTransaction(raw, {
        chainId: r.chainId,
        from: r.signer,
        nonce: r.nonce,
        to: r.to,
        data: r.data,
        value: r.value,
      });
      if (check.ok) hash = check.hash;
      else mismatches = check.mismatches;
    } catch (err) {
      if (!(err instanceof MalformedTransactionError)) throw err;
      raw = '0x';
      mismatches = [{ field: 'encoding', expected: 'a 65-byte signature', actual: err.message }];
    }
    if (!hash) {
      return this.reject(
        r,
        isReplacement,
        tx,
        'PAYLOAD_MISMATCH',
        `signed payload does not match the prepared request: ${mismatches.map((m) => m.field).join(', ')}`,
        {
          field: mismatches[0]?.field,
          mismatches,
        },
      );
    }
    const fees = parseUnsignedTransaction(r.unsignedTx);
    const signedAt = new Date();
    if (r.kind === 'noop') {
      await this.lanes.update(tx.manager, r.id, {
        state: 'filled',
        rawTx: raw,
        txHash: hash,
        signedAt,
        broadcastAt: signedAt,
        signRequestId: null,
      });
      await this.broadcast(r, raw);
      this.logger.info(
        { signer: r.signer, chainId: r.chainId, nonce: r.nonce, hash },
        'nonce filled with a no-op',
      );
      return;
    }
    if (isReplacement && r.txHash) {
      const replacedHashes = [...r.replacedHashes, r.txHash];
      await this.lanes.update(tx.manager, r.id, {
        rawTx: raw,
        txHash: hash,
        replacedHashes,
        signedAt,
        signRequestId: null,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      });
      const updated: Reservation = {
        ...r,
        rawTx: raw,
        txHash: hash,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      };
      await tx.outbox.publish(
        'keel.signature.result.v1',
        signedResult(updated, r.transactionIndex, r.txHash),
        {
          correlationId: r.operationId,
          organizationId: r.organizationId,
        },
      );
      this.logger.info(
        { operationId: r.operationId, nonce: r.nonce, hash, replaces: r.txHash },
        'stuck transaction replaced with higher fees',
      );
      return;
    }
    await this.lanes.update(tx.manager, r.id, {
      state: 'signed',
      rawTx: raw,
      txHash: hash,
      signedAt,
      signRequestId: null,
    });
    await tx.outbox.publish(
      'keel.signature.result.v1',
      signedResult({ ...r, rawTx: raw, txHash: hash }, r.transactionIndex, r.replacedHashes.at(-1)),
      {
        correlationId: r.operationId,
        organizationId: r.organizationId,
      },
    );
    this.logger.info(
      { operationId: r.operationId, signer: r.signer, chainId: r.chainId, nonce: r.nonce, hash },
      'transaction signed and verified',
    );
  }

  private async reject(
    r: Reservation,
    isReplacement: boolean,
    tx: Tx,
    code: string,
    message: string,
    details: Record<string, unknown>,
  ): Promise<void> {
    if (isReplacement) {
      // The original signed bytes stay valid; only the re-pricing failed.
      await this.lanes.update(tx.manager, r.id, {
        signRequestId: null,
        unsignedTx: null,
        lastError: `${code}: ${message}`.slice(0, 500),
      });
      this.logger.warn(
        { operationId: r.operationId, nonce: r.nonce, code },
        're-pricing refused; keeping the original transaction',
      );
      return;
    }
    if (r.kind === 'noop') {
      await this.lanes.update(tx.manager, r.id, {
        state: 'abandoned',
        signRequestId: null,
        lastError: `${code}: ${message}`.slice(0, 500),
      });
      this.logger.error(
        { signer: r.signer, chainId: r.chainId, nonce: r.nonce, code },
        'no-op fill could not be signed',
      );
      return;
    }
    await tx.outbox.publish(
      'keel.signature.result.v1',
      failedResult(r, { code, message, details }),
      { correlationId: r.operationId, organizationId: r.organizationId },
    );
    await this.fillWithNoop(r, tx);
    this.logger.warn(
      { operationId: r.operationId, nonce: r.nonce, code },
      'signing failed; nonce will be filled with a no-op',
    );
  }

  /** The reservation will never carry its operation: the same nonce becomes a 0-value self-transfer. */
  async fillWithNoop(r: Reservation, tx: Tx): Promise<void> {
    const fees = await this.chain.fees(r.chainId);
    const operationId = noopOperationId(r.chainId, r.signer, r.nonce);
    const { requestId, unsignedTx } = await requestSignature(
      tx.outbox,
      {
        operationId,
        signer: r.signer,
        chainId: r.chainId,
        nonce: r.nonce,
        to: r.signer,
        data: '0x',
        value: 0n,
        gas: NOOP_GAS,
        fees,
      },
      { correlationId: operationId, organizationId: r.organizationId },
    );
    await this.lanes.update(tx.manager, r.id, {
      kind: 'noop',
      state: 'signing',
      to: r.signer,
      data: '0x',
      value: 0n,
      gas: NOOP_GAS,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      signRequestId: requestId,
      unsignedTx,
      rawTx: null,
      txHash: null,
    });
  }

  /** A no-op fill only: operation transactions, replacements included, go through chain-gateway. */
  private async broadcast(r: Reservation, raw: Hex): Promise<void> {
    try {
      await this.chain.sendRaw(r.chainId, raw);
    } catch (err) {
      // Nonce already consumed (the original was mined first) or the node refuses the bump: reconcile decides.
      if (err instanceof ChainRpcError && err.kind !== 'transport') {
        this.logger.warn(
          { chainId: r.chainId, nonce: r.nonce, kind: err.kind },
          'direct broadcast refused',
        );
        return;
      }
      throw err;
    }
  }
}
