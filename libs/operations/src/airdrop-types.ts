import { z } from 'zod';
import {
  addressSchema as address,
  positiveUintSchema as positiveUint,
  uintSchema as uint,
} from './param-primitives';

// Params of the airdrop operations (issue 19): the calls services/airdrop turns an airdrop
// into. Kept apart from the token operations; `operationParamSchemas` joins them.

const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hash');
/** A Merkle proof of OpenZeppelin's StandardMerkleTree (depth 64 covers any list). */
const proof = z.array(hash32).max(64);
const airdrop = address.describe('The airdrop contract');

export const airdropStrategies = ['push', 'time-bound', 'vesting'] as const;
export type AirdropStrategy = (typeof airdropStrategies)[number];

/** Most recipients one `airdrop.distribute` carries (the service sizes batches below it). */
export const MAX_AIRDROP_BATCH = 500;

export const airdropParamSchemas = {
  /** Deploys an airdrop through the AirdropFactory; the signer becomes its owner. */
  'airdrop.create': z.strictObject({
    factory: address.describe('The AirdropFactory'),
    asset: address.describe('Token the airdrop pays'),
    strategy: z.enum(airdropStrategies),
    root: hash32.describe('Merkle root of (index, account, amount) leaves'),
    /** `bitmap`: all or nothing per recipient; `amount`: partial claims (vesting always uses it). */
    tracker: z.enum(['bitmap', 'amount']).default('bitmap'),
    /** Unix seconds; claims open (time-bound). */
    startTime: uint.optional(),
    /** Unix seconds: last second of push or claims; for vesting, the initialization deadline. */
    endTime: positiveUint,
    /** Push: most items per distribute call. */
    maxBatch: z.number().int().min(1).max(MAX_AIRDROP_BATCH).optional(),
    /** Vesting: seconds before anything vests, and total vesting seconds. */
    cliff: uint.optional(),
    duration: positiveUint.optional(),
  }),
  /** Moves the airdropped amount from the signer (the funder) to the airdrop contract. */
  'airdrop.fund': z.strictObject({ airdrop, asset: address, amount: positiveUint }),
  /** Pays a batch of leaves of a push airdrop; already paid leaves are skipped by the contract. */
  'airdrop.distribute': z.strictObject({
    airdrop,
    items: z
      .array(z.strictObject({ index: uint, account: address, amount: positiveUint, proof }))
      .min(1, 'must list at least one recipient')
      .max(MAX_AIRDROP_BATCH, `at most ${MAX_AIRDROP_BATCH} recipients per batch`),
  }),
  /** A recipient's claim of a time-bound airdrop; the signer must be the recipient's wallet. */
  'airdrop.claim': z.strictObject({
    airdrop,
    index: uint,
    allocation: positiveUint,
    amount: positiveUint,
    proof,
  }),
  /** After the end, the owner takes back what nobody can claim any more. */
  'airdrop.withdraw': z.strictObject({ airdrop, to: address }),
} as const;
