import { Module } from '@nestjs/common';
import type { RequestControlsConfig } from '../config';
import { SecretBox } from '../crypto/secret-box';
import { CONFIG } from '../tokens';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { IdentityModule } from '../users/identity.module';
import { WalletVerificationController } from './wallet-verification.controller';
import { WalletVerificationRepository } from './wallet-verification.repository';
import { WALLET_SECRET_BOX, WalletVerificationService } from './wallet-verification.service';

@Module({
  imports: [IdentityModule, ApiKeysModule],
  controllers: [WalletVerificationController],
  providers: [
    WalletVerificationRepository,
    WalletVerificationService,
    {
      provide: WALLET_SECRET_BOX,
      inject: [CONFIG],
      useFactory: (config: RequestControlsConfig) =>
        config.encryptionKey ? new SecretBox(config.encryptionKey) : null,
    },
  ],
  exports: [WalletVerificationService],
})
export class WalletVerificationModule {}
