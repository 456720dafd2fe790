import { randomUUID } from 'node:crypto';
import type { Logger } from '@keel/telemetry';
import type { KeystoreRepository, WalletRecord } from '../../../keystore/keystore.repository';
import type { DfnsConnection } from '../../../signer/dfns/dfns-wallet';
import type { DfnsWalletRepository } from '../../../signer/dfns/dfns-wallet.repository';
import type { DfnsSigner } from '../../../signer/dfns/dfns.signer';
import { SignerError, type WalletInfo } from '../../../signer/unified-signer';

export interface RegisterDfnsWalletCommand {
  readonly organizationId: string;
  readonly label?: string;
  readonly dfnsWalletId: string;
  readonly connection: DfnsConnection;
}

/**
 * Makes a DFNS wallet a Keel signer wallet: reads it from DFNS with the given
 * connection (which proves the credential references resolve and are accepted),
 * then stores its address, DFNS id and the references. Registering the same
 * DFNS wallet again answers the stored wallet.
 */
export class RegisterDfnsWalletUseCase {
  constructor(
    private readonly dfns: DfnsSigner,
    private readonly wallets: DfnsWalletRepository,
    private readonly keystore: KeystoreRepository,
    private readonly logger: Logger,
  ) {}

  async execute(cmd: RegisterDfnsWalletCommand): Promise<WalletInfo> {
    const { address, network } = await this.dfns.describeWallet(cmd.connection, cmd.dfnsWalletId);
    const existing = await this.wallets.find(cmd.organizationId, address);
    if (existing) {
      if (existing.dfnsWalletId !== cmd.dfnsWalletId)
        throw new SignerError('PROVIDER_REFUSED', `${address} is already another DFNS wallet`);
      const info = (await this.keystore.list(cmd.organizationId)).find(
        (w) => w.address === address,
      );
      if (info) return info;
    } else if (await this.keystore.exists(cmd.organizationId, address)) {
      throw new SignerError(
        'PROVIDER_REFUSED',
        `${address} is already a wallet of ${cmd.organizationId} with another provider`,
      );
    }
    const record: WalletRecord = {
      id: randomUUID(),
      organizationId: cmd.organizationId,
      address,
      label: cmd.label ?? null,
      provider: 'dfns',
      createdAt: new Date(),
    };
    await this.wallets.insert(record, cmd.dfnsWalletId, cmd.connection);
    this.logger.info(
      {
        organizationId: cmd.organizationId,
        address,
        dfnsWalletId: cmd.dfnsWalletId,
        network,
        credId: cmd.connection.credId,
        authTokenRef: cmd.connection.authToken,
        privateKeyRef: cmd.connection.privateKey,
      },
      'DFNS wallet registered (credentials by reference)',
    );
    return record;
  }
}
