import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import {
  ApprovalsController,
  CustodyWalletsController,
  WalletPolicyController,
} from './approvals.controller';
import { KeyGuardianRepository } from './key-guardian.repository';
import { AuthenticateApprover } from './usecases/authenticate-approver';
import { DecideApprovalUseCase } from './usecases/decide-approval/decide-approval.usecase';
import { ReadApprovalsUseCase } from './usecases/read-approvals/read-approvals.usecase';
import { CustodyWalletsUseCase } from './usecases/custody-wallets/custody-wallets.usecase';
import { WalletPolicyUseCase } from './usecases/wallet-policy/wallet-policy.usecase';

/** Custodian policies of wallets and the approvals they hold (key-guardian, behind request controls). */
@Module({
  imports: [AccessModule],
  controllers: [ApprovalsController, WalletPolicyController, CustodyWalletsController],
  providers: [
    KeyGuardianRepository,
    AuthenticateApprover,
    ReadApprovalsUseCase,
    DecideApprovalUseCase,
    WalletPolicyUseCase,
    CustodyWalletsUseCase,
  ],
})
export class ApprovalsModule {}
