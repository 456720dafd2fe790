import { Inject, Injectable } from '@nestjs/common';
import type { Address } from 'viem';
import { ChainReader } from '../../../chain/chain.reader';
import type { ExecutionEngineConfig } from '../../../config';
import { Journal, type Tx } from '../../../journal/journal';
import type { OperationRecord, TransactionRecord } from '../../../journal/operation.repository';
import { CONFIG } from '../../../tokens';
import { GasRepository } from '../../gas.repository';
import { decideTopUp, topUpOperationId, utcDay, VALUE_TRANSFER_GAS } from '../../top-up-policy';

/** The sub-status of an operation whose step waits for its signer wallet's gas top-up. */
export const AWAITING_GAS_TOP_UP = 'AWAITING_GAS_TOP_UP';

/**
 * The automatic gas top-up, decided after a step's simulation passed and before its
 * signature is requested: when the organization enabled it and the signer wallet holds less
 * than the minimum balance or than the step needs (gas limit × max fee + value), a
 * `wallet.fund` from the gas wallet is submitted through the pipeline (request controls
 * admit it as the engine's internal call) and the step waits for it (`wait`). Otherwise, or
 * when a limit or the gas wallet's balance prevents it, the step goes on to signing
 * (`proceed`): the signer's own pre-sign check then decides whether the wallet can pay.
 *
 * Everything runs in the compliance result's transaction: the settings row lock serializes an
 * organization's decisions (daily limits hold under concurrency), the top-up row (one per
 * step) and the submitted event commit together, and a replay finds the row and submits
 * nothing twice.
 */
@Injectable()
export class TopUpBeforeSigningUseCase {
  constructor(
    private readonly gas: GasRepository,
    private readonly journal: Journal,
    private readonly chain: ChainReader,
    @Inject(CONFIG) private readonly config: ExecutionEngineConfig,
  ) {}

  async execute(tx: Tx, op: OperationRecord, step: TransactionRecord): Promise<'wait' | 'proceed'> {
    // A top-up is itself a wallet.fund: the gas wallet is never topped up by itself.
    if (op.type === 'wallet.fund') return 'proceed';
    const existing = await this.gas.ofStep(tx.manager, op.id, step.index);
    if (existing) return existing.outcome === 'submitted' ? 'wait' : 'proceed';
    // Every step of every operation passes here: without the automatic top-up, a plain read
    // and on; the settings row is locked (decisions of the organization one at a time) only
    // when a top-up may be decided, and the locked row is the one decided on.
    if (!(await this.gas.find(tx.manager, op.organizationId))?.autoTopUp) return 'proceed';
    const settings = await this.gas.lock(tx.manager, op.organizationId);
    if (!settings?.autoTopUp) return 'proceed';

    const maxFeePerGas = await this.chain.maxFeePerGas();
    const gasLimit = step.gasLimit === null ? VALUE_TRANSFER_GAS : BigInt(step.gasLimit);
    const need = gasLimit * maxFeePerGas + BigInt(step.value);
    const balance = await this.chain.balance(step.from as Address);
    const source = settings.sourceWallet;
    const gasWallet = source
      ? { balance: await this.chain.balance(source as Address), maxFeePerGas }
      : null;
    const day = utcDay(new Date());
    const usage = await this.gas.usage(tx.manager, op.organizationId, day);
    const decision = decideTopUp(settings, { address: step.from, balance, need }, usage, gasWallet);
    const base = {
      operationId: op.id,
      transactionIndex: step.index,
      organizationId: op.organizationId,
      wallet: step.from,
      day,
    };
    const amount = decision.kind === 'not-needed' ? 0n : (decision.amount ?? 0n);
    const needed =
      (amount > settings.topUpAmount ? amount : settings.topUpAmount) +
      VALUE_TRANSFER_GAS * maxFeePerGas;
    const lowEvent = (gasWalletBalance: bigint, reason: 'top-up-skipped' | 'below-next-top-up') =>
      tx.outbox.publish(
        'keel.gas.wallet-low.v1',
        {
          chainId: this.config.chainId,
          gasWallet: source!,
          balance: gasWalletBalance.toString(),
          needed: needed.toString(),
          reason,
          operationId: op.id,
          at: new Date().toISOString(),
        },
        { organizationId: op.organizationId, correlationId: op.id },
      );

    switch (decision.kind) {
      case 'not-needed':
        return 'proceed';
      case 'skip':
        await this.gas.record(tx.manager, {
          ...base,
          outcome: 'skipped',
          fundOperationId: null,
          amount: decision.amount?.toString() ?? null,
          reason: decision.reason,
        });
        if (decision.reason === 'GAS_WALLET_LOW' && gasWallet)
          await lowEvent(gasWallet.balance, 'top-up-skipped');
        return 'proceed';
      case 'top-up': {
        const fundOperationId = topUpOperationId(op.id, step.index);
        await this.gas.record(tx.manager, {
          ...base,
          outcome: 'submitted',
          fundOperationId,
          amount: decision.amount.toString(),
          reason: null,
        });
        await tx.outbox.publish(
          'keel.operation.submitted.v1',
          {
            operationId: fundOperationId,
            operationType: 'wallet.fund',
            params: { wallet: step.from, amount: decision.amount.toString() },
            signer: source!,
            submittedBy: { kind: 'internal', id: 'execution-engine:gas-top-up' },
            submittedAt: new Date().toISOString(),
          },
          { organizationId: op.organizationId, correlationId: fundOperationId },
        );
        if (decision.gasWalletLowAfter && gasWallet)
          await lowEvent(
            gasWallet.balance - decision.amount - VALUE_TRANSFER_GAS * maxFeePerGas,
            'below-next-top-up',
          );
        // Announced like any other change of the operation (PREPARING → PREPARING).
        await this.journal.transition(tx, op, 'PREPARING', { subStatus: AWAITING_GAS_TOP_UP });
        return 'wait';
      }
    }
  }
}
