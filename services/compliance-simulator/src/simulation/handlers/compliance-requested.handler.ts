import { Controller, Inject } from '@nestjs/common';
import { type ConsumeContext, type EventBus, OnEvent } from '@keel/bus';
import type { KeelEvent } from '@keel/events';
import type { Address, Hex } from 'viem';
import { ChainUnavailableError } from '../../chain/chain.repository';
import { EVENT_BUS } from '../../tokens';
import { SimulateCallUseCase } from '../usecases/simulate-call/simulate-call.usecase';

/**
 * Simulates on request and answers with compliance.result. Stateless and
 * read-only, so a redelivery simply simulates again; the engine applies the
 * first answer for an operation that is still PREPARING.
 */
@Controller()
export class ComplianceRequestedHandler {
  constructor(
    private readonly simulate: SimulateCallUseCase,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
  ) {}

  @OnEvent('keel.compliance.requested.v1')
  async handle(
    event: KeelEvent<'keel.compliance.requested.v1'>,
    ctx: ConsumeContext,
  ): Promise<void> {
    const p = event.payload;
    const meta = {
      organizationId: event.organizationId,
      correlationId: event.correlationId,
      causationId: event.id,
      traceparent: ctx.traceparent,
    };
    const base = {
      operationId: p.operationId,
      transactionIndex: p.transactionIndex,
      ...(p.requestId ? { requestId: p.requestId } : {}),
    };
    const checkModules = p.kind !== 'forced' && p.kind !== 'admin' && p.transfer !== undefined;
    try {
      const outcome = await this.simulate.execute({
        from: p.call.from as Address,
        to: p.call.to as Address,
        data: p.call.data as Hex,
        value: BigInt(p.call.value),
        ...(checkModules && p.transfer
          ? {
              transfer: {
                token: (p.asset ?? p.call.to) as Address,
                from: p.transfer.from as Address,
                to: p.transfer.to as Address,
                amount: BigInt(p.transfer.amount),
              },
            }
          : {}),
      });
      await this.bus.publish(
        'keel.compliance.result.v1',
        {
          ...base,
          allowed: outcome.allowed,
          modules: outcome.modules,
          ...(outcome.deniedBy ? { deniedBy: outcome.deniedBy } : {}),
          ...(outcome.revert ? { revert: outcome.revert } : {}),
          ...(outcome.gasEstimate !== undefined
            ? { gasEstimate: outcome.gasEstimate.toString() }
            : {}),
        },
        meta,
      );
    } catch (err) {
      if (!(err instanceof ChainUnavailableError)) throw err;
      await this.bus.publish(
        'keel.compliance.result.v1',
        {
          ...base,
          allowed: false,
          modules: [],
          error: { code: 'CHAIN_UNAVAILABLE', message: err.message, retryable: true },
        },
        meta,
      );
    }
  }
}
