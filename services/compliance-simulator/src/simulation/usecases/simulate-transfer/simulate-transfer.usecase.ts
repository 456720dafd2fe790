import { Injectable } from '@nestjs/common';
import { ITokenAbi } from '@keel/abi';
import {
  problems,
  type SimulateTransferRequest,
  type SimulateTransferResult,
} from '@keel/operations';
import { type Address, encodeFunctionData } from 'viem';
import { ChainUnavailableError } from '../../../chain/chain.repository';
import { SimulateCallUseCase } from '../simulate-call/simulate-call.usecase';

/** `POST /compliance/simulate`: would `from` transferring `amount` to `to` pass, module by module? */
@Injectable()
export class SimulateTransferUseCase {
  constructor(private readonly simulate: SimulateCallUseCase) {}

  async execute(request: SimulateTransferRequest): Promise<SimulateTransferResult> {
    const token = request.asset as Address;
    const amount = BigInt(request.amount);
    try {
      const outcome = await this.simulate.execute({
        from: request.from as Address,
        to: token,
        data: encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'transfer',
          args: [request.to as Address, amount],
        }),
        value: 0n,
        transfer: { token, from: request.from as Address, to: request.to as Address, amount },
      });
      const deniedBy =
        outcome.deniedBy ??
        (outcome.revert ? { module: 'token', reason: outcome.revert.reason } : undefined);
      return {
        allowed: outcome.allowed,
        modules: outcome.modules,
        ...(deniedBy ? { deniedBy } : {}),
      };
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw problems.unavailable('EVM node');
      throw err;
    }
  }
}
