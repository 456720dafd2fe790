import { CreateNonceLanes1795400000100 } from './1795400000100-create-nonce-lanes';
import { ReservationOperationIndex1796900000100 } from './1796900000100-reservation-operation-index';
import { ReservationHashLookup1797700000100 } from './1797700000100-reservation-hash-lookup';

export const transactionSignerMigrations = [
  CreateNonceLanes1795400000100,
  ReservationOperationIndex1796900000100,
  ReservationHashLookup1797700000100,
];
