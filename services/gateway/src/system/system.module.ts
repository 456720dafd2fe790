import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { SystemController } from './system.controller';
import { SystemRepository } from './system.repository';
import { GetSystemUseCase } from './usecases/get-system/get-system.usecase';

@Module({
  imports: [AccessModule],
  controllers: [SystemController],
  providers: [SystemRepository, GetSystemUseCase],
})
export class SystemModule {}
