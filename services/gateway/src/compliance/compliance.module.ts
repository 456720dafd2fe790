import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ComplianceSimulatorRepository } from './compliance-simulator.repository';
import { ComplianceController } from './compliance.controller';
import { SimulateTransferUseCase } from './usecases/simulate-transfer/simulate-transfer.usecase';

@Module({
  imports: [AccessModule],
  controllers: [ComplianceController],
  providers: [ComplianceSimulatorRepository, SimulateTransferUseCase],
})
export class ComplianceModule {}
