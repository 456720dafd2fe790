import { Module } from '@nestjs/common';
import { ChainRepository } from '../chain/chain.repository';
import { ComplianceRequestedHandler } from './handlers/compliance-requested.handler';
import { SimulationController } from './simulation.controller';
import { SimulateCallUseCase } from './usecases/simulate-call/simulate-call.usecase';
import { SimulateTransferUseCase } from './usecases/simulate-transfer/simulate-transfer.usecase';

@Module({
  controllers: [SimulationController, ComplianceRequestedHandler],
  providers: [ChainRepository, SimulateCallUseCase, SimulateTransferUseCase],
})
export class SimulationModule {}
