import { Global, Module } from '@nestjs/common';
import { ChainReader } from '../chain/chain.reader';
import { ClaimSignerClient } from '../chain/claim-signer.client';
import { SystemReadController } from './system-read.controller';
import { SystemRepository } from './system.repository';

/** The recorded system layer, and the chain and claim-signing access plans need. */
@Global()
@Module({
  controllers: [SystemReadController],
  providers: [SystemRepository, ChainReader, ClaimSignerClient],
  exports: [SystemRepository, ChainReader, ClaimSignerClient],
})
export class SystemModule {}
