import { Module } from '@nestjs/common';
import { Journal } from './journal';
import { OperationRepository } from './operation.repository';

@Module({ providers: [Journal, OperationRepository], exports: [Journal, OperationRepository] })
export class JournalModule {}
