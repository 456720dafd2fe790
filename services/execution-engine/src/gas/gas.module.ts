import { Module } from '@nestjs/common';
import { JournalModule } from '../journal/journal.module';
import { GasSettingsController } from './gas-settings.controller';
import { GasRepository } from './gas.repository';
import { ConfigureGasSettingsUseCase } from './usecases/configure-gas-settings/configure-gas-settings.usecase';
import { GetGasSettingsUseCase } from './usecases/get-gas-settings/get-gas-settings.usecase';
import { TopUpBeforeSigningUseCase } from './usecases/top-up-before-signing/top-up-before-signing.usecase';

/**
 * Gas of signer wallets: the organization's gas wallet and automatic top-up settings, and the
 * top-up decided before a signature is requested. The pipeline module registers the handler
 * that resumes a step once its top-up ended (it needs the pipeline's step runner).
 */
@Module({
  imports: [JournalModule],
  controllers: [GasSettingsController],
  providers: [
    GasRepository,
    TopUpBeforeSigningUseCase,
    GetGasSettingsUseCase,
    ConfigureGasSettingsUseCase,
  ],
  exports: [GasRepository, TopUpBeforeSigningUseCase],
})
export class GasModule {}
