import { Module } from '@nestjs/common';
import { AdmissionsModule } from '../admissions/admissions.module';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { IngressOperationHandler } from './handlers/ingress-operation.handler';
import { OperationStatusHandler } from './handlers/operation-status.handler';
import { IngressDeadLetters } from './ingress-dead-letters';
import { IngressRepository } from './ingress.repository';
import { IngressRetention } from './ingress-retention';
import { AdmitIngressMessageUseCase } from './usecases/admit-ingress-message/admit-ingress-message.usecase';
import { AnswerDeadLetterUseCase } from './usecases/answer-dead-letter/answer-dead-letter.usecase';
import { PublishIngressStatusUseCase } from './usecases/publish-ingress-status/publish-ingress-status.usecase';

/** Kafka ingress: signed operations from upstream systems and their answers on the status topic. */
@Module({
  imports: [ApiKeysModule, AdmissionsModule],
  controllers: [IngressOperationHandler, OperationStatusHandler],
  providers: [
    IngressRepository,
    AdmitIngressMessageUseCase,
    PublishIngressStatusUseCase,
    AnswerDeadLetterUseCase,
    IngressDeadLetters,
    IngressRetention,
  ],
})
export class IngressModule {}
