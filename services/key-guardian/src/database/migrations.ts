import { CreateKeystore1795400000000 } from './1795400000000-create-keystore';
import { SigningRequestApproval1795400000001 } from './1795400000001-signing-request-approval';
import { CustodyPolicy1796200000000 } from './1796200000000-custody-policy';
import { SigningRequestCallDigest1796200000001 } from './1796200000001-signing-request-call-digest';
import { ApprovalOperationIndex1796900000000 } from './1796900000000-approval-operation-index';
import { WalletAddressIndex1797700000200 } from './1797700000200-wallet-address-index';
import { CustodyProviderWallet1798000000000 } from './1798000000000-custody-provider-wallet';

export const keyGuardianMigrations = [
  CreateKeystore1795400000000,
  SigningRequestApproval1795400000001,
  CustodyPolicy1796200000000,
  SigningRequestCallDigest1796200000001,
  ApprovalOperationIndex1796900000000,
  WalletAddressIndex1797700000200,
  CustodyProviderWallet1798000000000,
];
