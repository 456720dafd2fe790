import { z } from 'zod';

// The value shapes every family of operation params is built from (token, issuance,
// airdrop). Integers are decimal strings: uint256 does not fit a JSON number.

export const addressSchema = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address');
export const uintSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,77})$/, 'must be a non-negative integer, as a decimal string')
  .refine((v) => BigInt(v) < 2n ** 256n, 'must fit in uint256');
export const positiveUintSchema = uintSchema.refine((v) => v !== '0', 'must be greater than 0');
