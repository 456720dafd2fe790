import type { Address, Hash, Hex } from 'viem';
import type { DataSource, EntityManager } from 'typeorm';

export interface LaneKey {
  readonly organizationId: string;
  readonly signer: Address;
  readonly chainId: number;
}

export const liveStates = ['reserved', 'signing', 'signed', 'broadcast'] as const;
export type ReservationState =
  (typeof liveStates)[number] | 'mined' | 'replaced' | 'filled' | 'abandoned';

export interface Reservation extends LaneKey {
  readonly id: string;
  readonly nonce: number;
  readonly kind: 'operation' | 'noop';
  readonly reservationKey: string | null;
  readonly operationId: string;
  readonly transactionIndex: number;
  readonly state: ReservationState;
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
  readonly gas: bigint;
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly signRequestId: string | null;
  readonly unsignedTx: Hex | null;
  readonly rawTx: Hex | null;
  readonly txHash: Hash | null;
  readonly replacedHashes: readonly Hash[];
  readonly signedAt: Date | null;
  readonly broadcastAt: Date | null;
}

interface Row {
  id: string;
  organization_id: string;
  signer: string;
  chain_id: number;
  nonce: string;
  kind: 'operation' | 'noop';
  reservation_key: string | null;
  operation_id: string;
  transaction_index: number;
  state: ReservationState;
  to_address: string;
  data: string;
  value: string;
  gas: string;
  max_fee_per_gas: string;
  max_priority_fee_per_gas: string;
  sign_request_id: string | null;
  unsigned_tx: string | null;
  raw_tx: string | null;
  tx_hash: string | null;
  replaced_hashes: string[];
  signed_at: Date | null;
  broadcast_at: Date | null;
}

function toReservation(r: Row): Reservation {
  return {
    id: r.id,
    organizationId: r.organization_id,
    signer: r.signer as Address,
    chainId: r.chain_id,
    nonce: Number(r.nonce),
    kind: r.kind,
    reservationKey: r.reservation_key,
    operationId: r.operation_id,
    transactionIndex: r.transaction_index,
    state: r.state,
    to: r.to_address as Address,
    data: r.data as Hex,
    value: BigInt(r.value),
    gas: BigInt(r.gas),
    maxFeePerGas: BigInt(r.max_fee_per_gas),
    maxPriorityFeePerGas: BigInt(r.max_priority_fee_per_gas),
    signRequestId: r.sign_request_id,
    unsignedTx: r.unsigned_tx as Hex | null,
    rawTx: r.raw_tx as Hex | null,
    txHash: r.tx_hash as Hash | null,
    replacedHashes: r.replaced_hashes as Hash[],
    signedAt: r.signed_at,
    broadcastAt: r.broadcast_at,
  };
}

export type NewReservation = Omit<
  Reservation,
  'state' | 'rawTx' | 'txHash' | 'replacedHashes' | 'signedAt' | 'broadcastAt'
> & {
  readonly state: ReservationState;
};

export type ReservationPatch = Partial<
  Pick<
    Reservation,
    | 'state'
    | 'kind'
    | 'to'
    | 'data'
    | 'value'
    | 'gas'
    | 'maxFeePerGas'
    | 'maxPriorityFeePerGas'
    | 'signRequestId'
    | 'unsignedTx'
    | 'rawTx'
    | 'txHash'
    | 'replacedHashes'
    | 'signedAt'
    | 'broadcastAt'
    | 'operationId'
  > & { lastError: string | null }
>;

const columns: Record<keyof ReservationPatch, string> = {
  state: 'state',
  kind: 'kind',
  to: 'to_address',
  data: 'data',
  value: 'value',
  gas: 'gas',
  maxFeePerGas: 'max_fee_per_gas',
  maxPriorityFeePerGas: 'max_priority_fee_per_gas',
  signRequestId: 'sign_request_id',
  unsignedTx: 'unsigned_tx',
  rawTx: 'raw_tx',
  txHash: 'tx_hash',
  replacedHashes: 'replaced_hashes',
  signedAt: 'signed_at',
  broadcastAt: 'broadcast_at',
  operationId: 'operation_id',
  lastError: 'last_error',
};

/** Hashes are stored lowercase, so a lookup by hash is an index equality (see the migration). */
function canonicalHashes(patch: ReservationPatch): ReservationPatch {
  return {
    ...patch,
    ...(patch.txHash ? { txHash: patch.txHash.toLowerCase() as Hash } : {}),
    ...(patch.replacedHashes
      ? { replacedHashes: patch.replacedHashes.map((h) => h.toLowerCase() as Hash) }
      : {}),
  };
}

/** The only code that reads or writes nonce lanes and reservations. Addresses are stored checksummed. */
export class NonceLaneRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Locks the lane row for the rest of the transaction; null when the lane does not exist yet. */
  async lockLane(m: EntityManager, lane: LaneKey): Promise<number | null> {
    const rows = await m.query<{ next_nonce: string }[]>(
      `SELECT next_nonce FROM ts_nonce_lane WHERE organization_id = $1 AND signer = $2 AND chain_id = $3 FOR UPDATE`,
      [lane.organizationId, lane.signer, lane.chainId],
    );
    return rows[0] ? Number(rows[0].next_nonce) : null;
  }

  async createLane(m: EntityManager, lane: LaneKey, nextNonce: number): Promise<void> {
    await m.query(
      `INSERT INTO ts_nonce_lane (organization_id, signer, chain_id, next_nonce) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
      [lane.organizationId, lane.signer, lane.chainId, nextNonce],
    );
  }

  async setNextNonce(m: EntityManager, lane: LaneKey, nextNonce: number): Promise<void> {
    await m.query(
      `UPDATE ts_nonce_lane SET next_nonce = $4, updated_at = now() WHERE organization_id = $1 AND signer = $2 AND chain_id = $3`,
      [lane.organizationId, lane.signer, lane.chainId, nextNonce],
    );
  }

  async insert(m: EntityManager, r: NewReservation): Promise<void> {
    await m.query(
      `INSERT INTO ts_nonce_reservation (id, organization_id, signer, chain_id, nonce, kind, reservation_key, operation_id,
         transaction_index, state, to_address, data, value, gas, max_fee_per_gas, max_priority_fee_per_gas, sign_request_id, unsigned_tx)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18)`,
      [
        r.id,
        r.organizationId,
        r.signer,
        r.chainId,
        r.nonce,
        r.kind,
        r.reservationKey,
        r.operationId,
        r.transactionIndex,
        r.state,
        r.to,
        r.data,
        r.value.toString(),
        r.gas.toString(),
        r.maxFeePerGas.toString(),
        r.maxPriorityFeePerGas.toString(),
        r.signRequestId,
        r.unsignedTx,
      ],
    );
  }

  async update(m: EntityManager, id: string, patch: ReservationPatch): Promise<void> {
    const sets: string[] = ['updated_at = now()'];
    const values: unknown[] = [id];
    for (const [k, v] of Object.entries(canonicalHashes(patch))) {
      values.push(typeof v === 'bigint' ? v.toString() : v);
      sets.push(`${columns[k as keyof ReservationPatch]} = $${values.length}`);
    }
    await m.query(`UPDATE ts_nonce_reservation SET ${sets.join(', ')} WHERE id = $1`, values);
  }

  async findLiveByKey(m: EntityManager, reservationKey: string): Promise<Reservation | null> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM ts_nonce_reservation WHERE reservation_key = $1 AND kind = 'operation' AND state <> 'replaced' FOR UPDATE`,
      [reservationKey],
    );
    return rows[0] ? toReservation(rows[0]) : null;
  }

  /** The operation's reservations that never reached the chain, locked. */
  async lockUnbroadcastOf(
    m: EntityManager,
    organizationId: string,
    operationId: string,
  ): Promise<Reservation[]> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM ts_nonce_reservation WHERE organization_id = $1 AND operation_id = $2
         AND kind = 'operation' AND state IN ('reserved', 'signing', 'signed') ORDER BY nonce FOR UPDATE`,
      [organizationId, operationId],
    );
    return rows.map(toReservation);
  }

  /**
   * What the lane's reservations not yet mined may still spend, in wei: gas limit × max fee +
   * value of every live reservation at or above the mined nonce (no-op fills included).
   */
  async committedSpend(m: EntityManager, lane: LaneKey, minedNonce: number): Promise<bigint> {
    const rows = await m.query<{ spend: string | null }[]>(
      `SELECT sum(gas::numeric * max_fee_per_gas::numeric + value::numeric)::text AS spend
         FROM ts_nonce_reservation
        WHERE organization_id = $1 AND signer = $2 AND chain_id = $3 AND nonce >= $4
          AND state IN ('reserved', 'signing', 'signed', 'broadcast', 'filled')`,
      [lane.organizationId, lane.signer, lane.chainId, minedNonce],
    );
    return BigInt(rows[0]?.spend ?? '0');
  }

  async findByRequestId(m: EntityManager, requestId: string): Promise<Reservation | null> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM ts_nonce_reservation WHERE sign_request_id = $1 FOR UPDATE`,
      [requestId],
    );
    return rows[0] ? toReservation(rows[0]) : null;
  }

  async findByHash(m: EntityManager, chainId: number, hash: Hash): Promise<Reservation | null> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM ts_nonce_reservation WHERE chain_id = $1 AND (tx_hash = $2 OR replaced_hashes @> ARRAY[$2::text]) FOR UPDATE`,
      [chainId, hash.toLowerCase()],
    );
    return rows[0] ? toReservation(rows[0]) : null;
  }

  async lane(m: EntityManager, lane: LaneKey): Promise<Reservation[]> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM ts_nonce_reservation WHERE organization_id = $1 AND signer = $2 AND chain_id = $3 ORDER BY nonce`,
      [lane.organizationId, lane.signer, lane.chainId],
    );
    return rows.map(toReservation);
  }

  /** Lanes that have reservations still in flight (reconciled with the chain). */
  async lanesWithLiveReservations(): Promise<LaneKey[]> {
    const rows = await this.dataSource.query<
      { organization_id: string; signer: string; chain_id: number }[]
    >(
      `SELECT DISTINCT organization_id, signer, chain_id FROM ts_nonce_reservation WHERE state IN ('reserved','signing','signed','broadcast')`,
    );
    return rows.map((r) => ({
      organizationId: r.organization_id,
      signer: r.signer as Address,
      chainId: r.chain_id,
    }));
  }

  async allLanes(): Promise<(LaneKey & { nextNonce: number })[]> {
    const rows = await this.dataSource.query<
      { organization_id: string; signer: string; chain_id: number; next_nonce: string }[]
    >(`SELECT * FROM ts_nonce_lane`);
    return rows.map((r) => ({
      organizationId: r.organization_id,
      signer: r.signer as Address,
      chainId: r.chain_id,
      nextNonce: Number(r.next_nonce),
    }));
  }
}
