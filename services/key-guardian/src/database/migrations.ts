import { CreateKeystore1795400000000 } from './1795400000000-create-keystore';
import { SigningRequestApproval1795400000001 } from './1795400000001-signing-request-approval';

export const keyGuardianMigrations = [
  CreateKeystore1795400000000,
  SigningRequestApproval1795400000001,
];
