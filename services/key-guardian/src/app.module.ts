import { type DynamicModule, Module } from '@nestjs/common';
import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import type { ApprovalRepository } from './approvals/approval.repository';
import { ApprovalsController } from './approvals/approvals.controller';
import type { CloseApprovalsUseCase } from './approvals/usecases/close-approvals/close-approvals.usecase';
import type { DecideApprovalUseCase } from './approvals/usecases/decide-approval/decide-approval.usecase';
import type { ReadApprovalsUseCase } from './approvals/usecases/read-approvals/read-approvals.usecase';
import { HealthController } from './health/health.controller';
import type { KeystoreRepository } from './keystore/keystore.repository';
import { SigningRequestRepository } from './keystore/signing-request.repository';
import type { CustodyPolicy } from './policy/custody-policy';
import { OperationEndedHandler } from './policy/handlers/operation-ended.handler';
import { PolicyController } from './policy/policy.controller';
import type { PolicyRepository } from './policy/policy.repository';
import type { UnifiedSigner } from './signer/unified-signer';
import { KeySignRequestedHandler } from './signing/handlers/key-sign-requested.handler';
import { SignTransactionUseCase } from './signing/usecases/sign-transaction/sign-transaction.usecase';
import {
  CLOSE_APPROVALS,
  DATA_SOURCE,
  DECIDE_APPROVAL,
  KEYSTORE,
  LOGGER,
  POLICIES,
  READ_APPROVALS,
  REGISTER_DFNS_WALLET,
  SIGN_TRANSACTION,
  UNIFIED_SIGNER,
} from './tokens';
import type { RegisterDfnsWalletUseCase } from './wallets/usecases/register-dfns-wallet/register-dfns-wallet.usecase';
import { WalletsController } from './wallets/wallets.controller';
import { ClaimsController } from './claims/claims.controller';

export interface KeyGuardianModuleDeps {
  readonly dataSource: DataSource;
  readonly signer: UnifiedSigner;
  readonly policy: CustodyPolicy;
  readonly logger: Logger;
  readonly keystore: KeystoreRepository;
  readonly policies: PolicyRepository;
  readonly approvals: ApprovalRepository;
  readonly readApprovals: ReadApprovalsUseCase;
  readonly decideApproval: DecideApprovalUseCase;
  readonly closeApprovals: CloseApprovalsUseCase;
  readonly signingRequests: SigningRequestRepository;
  readonly registerDfnsWallet: RegisterDfnsWalletUseCase;
}

@Module({})
export class KeyGuardianModule {
  static register(deps: KeyGuardianModuleDeps): DynamicModule {
    return {
      module: KeyGuardianModule,
      controllers: [
        HealthController,
        WalletsController,
        ClaimsController,
        PolicyController,
        ApprovalsController,
        KeySignRequestedHandler,
        OperationEndedHandler,
      ],
      providers: [
        { provide: DATA_SOURCE, useValue: deps.dataSource },
        { provide: UNIFIED_SIGNER, useValue: deps.signer },
        { provide: LOGGER, useValue: deps.logger },
        { provide: KEYSTORE, useValue: deps.keystore },
        { provide: POLICIES, useValue: deps.policies },
        { provide: READ_APPROVALS, useValue: deps.readApprovals },
        { provide: DECIDE_APPROVAL, useValue: deps.decideApproval },
        { provide: CLOSE_APPROVALS, useValue: deps.closeApprovals },
        { provide: REGISTER_DFNS_WALLET, useValue: deps.registerDfnsWallet },
        {
          provide: SIGN_TRANSACTION,
          useValue: new SignTransactionUseCase(
            deps.signer,
            deps.policy,
            deps.signingRequests,
            deps.logger,
          ),
        },
      ],
    };
  }
}
