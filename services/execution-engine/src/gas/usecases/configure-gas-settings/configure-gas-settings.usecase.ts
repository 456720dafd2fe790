import { Injectable } from '@nestjs/common';
import { type GasSettingsRequest, type GasSettingsView } from '@keel/operations';
import { getAddress } from 'viem';
import { GasRepository } from '../../gas.repository';
import { GetGasSettingsUseCase } from '../get-gas-settings/get-gas-settings.usecase';

/** Replaces the organization's gas settings (validated at the edge) and answers the new view. */
@Injectable()
export class ConfigureGasSettingsUseCase {
  constructor(
    private readonly gas: GasRepository,
    private readonly get: GetGasSettingsUseCase,
  ) {}

  async execute(organizationId: string, r: GasSettingsRequest): Promise<GasSettingsView> {
    await this.gas.save(this.gas.manager, {
      organizationId,
      sourceWallet: r.sourceWallet === null ? null : getAddress(r.sourceWallet),
      autoTopUp: r.autoTopUp,
      minBalance: BigInt(r.minBalance),
      topUpAmount: BigInt(r.topUpAmount),
      dailyAmountLimit: r.dailyAmountLimit === null ? null : BigInt(r.dailyAmountLimit),
      dailyCountLimit: r.dailyCountLimit,
    });
    return this.get.execute(organizationId);
  }
}
