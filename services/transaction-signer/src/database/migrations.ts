import { CreateNonceLanes1795400000100 } from './1795400000100-create-nonce-lanes';

export const transactionSignerMigrations = [CreateNonceLanes1795400000100];
