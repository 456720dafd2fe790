import { CreateKeystore1795400000000 } from './1795400000000-create-keystore';

export const keyGuardianMigrations = [CreateKeystore1795400000000];
