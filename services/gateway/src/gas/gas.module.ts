import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { GasSettingsController } from './gas-settings.controller';
import { GasSettingsRepository } from './gas-settings.repository';
import { GasSettingsUseCase } from './usecases/gas-settings/gas-settings.usecase';

@Module({
  imports: [AccessModule],
  controllers: [GasSettingsController],
  providers: [GasSettingsRepository, GasSettingsUseCase],
})
export class GasModule {}
