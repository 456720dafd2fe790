import { Inject, Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { type Address, getAddress } from 'viem';
import { ChainReader } from '../../../chain/chain.reader';
import { ClaimSignerClient, ClaimSigningError } from '../../../chain/claim-signer.client';
import type { ExecutionEngineConfig } from '../../../config';
import { Journal, type Tx } from '../../../journal/journal';
import { type OperationRecord, OperationRepository } from '../../../journal/operation.repository';
import { type Plan, type PlanContext, PlanningError, planOperation } from '../../../plans/plan';
import { GasRepository } from '../../../gas/gas.repository';
import { SystemRepository } from '../../../system/system.repository';
import { CONFIG } from '../../../tokens';
import { InvalidOperationError, parseStored } from '../../calldata';
import { StepRunner, stepSubStatus } from '../../steps';
import { RecordSubmissionUseCase } from '../record-submission/record-submission.usecase';

/**
 * An accepted operation: RECEIVED → QUEUED → PREPARING. Builds the plan — the
 * ordered exact calls, every address known upfront — stores each as a
 * prepared transaction, and asks for the compliance simulation of the first.
 * No nonce and no signature exist before a step's simulation passes.
 */
@Injectable()
export class PrepareOperationUseCase {
  constructor(
    private readonly journal: Journal,
    private readonly operations: OperationRepository,
    private readonly submissions: RecordSubmissionUseCase,
    private readonly steps: StepRunner,
    private readonly systems: SystemRepository,
    private readonly chain: ChainReader,
    private readonly claims: ClaimSignerClient,
    private readonly gas: GasRepository,
    @Inject(CONFIG) private readonly config: ExecutionEngineConfig,
  ) {}

  async execute(tx: Tx, event: KeelEvent<'keel.operation.accepted.v1'>): Promise<void> {
    const p = event.payload;
    let op = await this.submissions.ensure(tx, {
      id: p.operationId,
      organizationId: event.organizationId,
      type: p.operationType,
      params: p.params,
      signer: p.signer ?? null,
      submittedBy: p.submittedBy ?? null,
    });
    if (op.status !== 'RECEIVED') return; // already under way (redelivery after a crash)
    op = await this.journal.transition(tx, op, 'QUEUED');
    op = await this.journal.transition(tx, op, 'PREPARING');

    // A wallet.fund without a signer is sent by the organization's gas wallet.
    const gasWallet =
      op.type === 'wallet.fund'
        ? (await this.gas.find(tx.manager, op.organizationId))?.sourceWallet
        : undefined;
    const signer = (p.signer ?? op.signer ?? gasWallet ?? this.config.defaultSigner) || null;
    if (!signer) {
      await this.journal.fail(tx, op, 'PREPARATION_FAILED', {
        code: 'NO_SIGNER',
        message: 'The operation names no signer wallet and no default signer is configured.',
      });
      return;
    }
    let plan: Plan;
    try {
      plan = await planOperation(
        parseStored(op.type, op.params),
        await this.context(tx, op, signer as Address),
      );
    } catch (err) {
      if (err instanceof InvalidOperationError || err instanceof PlanningError) {
        await this.journal.fail(tx, op, 'PREPARATION_FAILED', {
          code: err instanceof PlanningError ? err.code : 'INVALID_OPERATION',
          message: err.message,
        });
        return;
      }
      if (err instanceof ClaimSigningError && !err.retryable) {
        await this.journal.fail(tx, op, 'PREPARATION_FAILED', {
          code: 'CLAIM_SIGNING_FAILED',
          message: err.message,
        });
        return;
      }
      throw err; // chain or key-guardian unreachable: redelivered and planned again
    }

    op = {
      ...op,
      signer,
      stepCount: Math.max(plan.steps.length, 1),
      currentStep: 0,
      result: plan.result ?? null,
      completion: (plan.completion as unknown as Record<string, unknown> | undefined) ?? null,
    };
    if (plan.completion?.kind === 'system-deployed')
      await this.systems.markDeploying(
        tx.manager,
        op.organizationId,
        plan.completion.system,
        op.id,
      );
    if (plan.steps.length === 0) {
      // Nothing to send (e.g. the system is already deployed): the recorded result.
      await this.operations.saveState(tx.manager, op);
      await this.steps.complete(tx, op, null);
      return;
    }
    for (const [index, s] of plan.steps.entries()) {
      await this.operations.saveTransaction(tx.manager, {
        operationId: op.id,
        index,
        chainId: this.config.chainId,
        from: s.from,
        to: s.to,
        data: s.data,
        value: s.value,
        gasLimit: null,
        nonce: null,
        hash: null,
        rawTransaction: null,
        status: 'prepared',
        blockNumber: null,
        confirmations: 0,
        gasUsed: null,
        label: s.label,
        compliance: s.compliance,
      });
    }
    const sub = stepSubStatus(op, 0);
    op = { ...op, subStatus: sub ?? null };
    await this.operations.saveState(tx.manager, op);
    const first = await this.operations.transactionOf(tx.manager, op.id, 0);
    if (!first) throw new Error(`operation ${op.id}: first step vanished`);
    await this.steps.requestCompliance(tx, op, first);
  }

  private async context(tx: Tx, op: OperationRecord, signer: Address): Promise<PlanContext> {
    const chainId = this.config.chainId;
    let system = await this.systems.lock(tx.manager, op.organizationId, chainId);
    if (
      op.type === 'system.bootstrap' &&
      system?.status === 'deploying' &&
      system.operationId !== op.id
    ) {
      if (await this.systems.isUnderWay(tx.manager, system.operationId))
        throw new PlanningError(
          'SYSTEM_BOOTSTRAP_IN_PROGRESS',
          `Operation ${system.operationId} is bootstrapping this organization's system; wait for it.`,
        );
      system = null; // that attempt failed: plan again from what is on chain
    }
    return {
      organizationId: op.organizationId,
      chainId,
      signer: getAddress(signer),
      system: system
        ? { status: system.status, operationId: system.operationId, addresses: system.addresses }
        : null,
      hasCode: (address) => this.chain.hasCode(address),
      read: (address, abi, functionName, args) =>
        this.chain.read(address, abi as Parameters<ChainReader['read']>[1], functionName, args),
      signClaim: (claim) =>
        this.claims.sign({ ...claim, organizationId: op.organizationId, chainId }),
    };
  }
}
