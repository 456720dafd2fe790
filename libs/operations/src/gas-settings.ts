import { z } from 'zod';
import { addressSchema, amountSchema } from './operation-types';

/** `PUT /api/v1/gas-settings`: the organization's gas wallet and its automatic top-up. */
export const gasSettingsRequestSchema = z
  .strictObject({
    /** The gas wallet (a key-guardian wallet of the organization); null clears it. */
    sourceWallet: addressSchema.nullable(),
    autoTopUp: z.boolean().default(false),
    /** A signer wallet below this balance (wei) is topped up before it signs. */
    minBalance: amountSchema.default('0'),
    /** What one top-up sends (wei); more when the transaction needs more. */
    topUpAmount: amountSchema.default('0'),
    /** At most this much (wei) in top-ups per UTC day; null or absent = no limit. */
    dailyAmountLimit: amountSchema.nullable().default(null),
    /** At most this many top-ups per UTC day; null or absent = no limit. */
    dailyCountLimit: z.number().int().min(0).max(1_000_000).nullable().default(null),
  })
  .superRefine((v, ctx) => {
    if (v.autoTopUp && v.sourceWallet === null)
      ctx.addIssue({
        code: 'custom',
        path: ['sourceWallet'],
        message: 'auto top-up needs a gas wallet',
      });
    if (v.autoTopUp && v.topUpAmount === '0')
      ctx.addIssue({
        code: 'custom',
        path: ['topUpAmount'],
        message: 'auto top-up needs an amount > 0',
      });
  });
export type GasSettingsRequest = z.infer<typeof gasSettingsRequestSchema>;

const gasWarningSchema = z.object({
  /** `GAS_WALLET_LOW`, or why a top-up was skipped (`DAILY_COUNT_LIMIT`, `DAILY_AMOUNT_LIMIT`, …). */
  code: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type GasWarning = z.infer<typeof gasWarningSchema>;

const topUpViewSchema = z.object({
  operationId: z.string(),
  transactionIndex: z.number().int(),
  wallet: z.string(),
  outcome: z.enum(['submitted', 'completed', 'failed', 'skipped']),
  /** The `wallet.fund` operation sent for it. */
  fundOperationId: z.string().nullable(),
  amount: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
});

/** `GET /api/v1/gas-settings`. */
export const gasSettingsViewSchema = z.object({
  organizationId: z.string(),
  sourceWallet: z.string().nullable(),
  autoTopUp: z.boolean(),
  minBalance: z.string(),
  topUpAmount: z.string(),
  dailyAmountLimit: z.string().nullable(),
  dailyCountLimit: z.number().int().nullable(),
  updatedAt: z.string().nullable(),
  /** The gas wallet's balance now (wei), when the engine can read the chain. */
  gasWallet: z.object({ address: z.string(), balance: z.string().nullable() }).nullable(),
  /** The current UTC day's top-ups, counted against the limits. */
  today: z.object({
    day: z.string(),
    amount: z.string(),
    count: z.number().int(),
    topUps: z.array(topUpViewSchema),
  }),
  warnings: z.array(gasWarningSchema),
});
export type GasSettingsView = z.infer<typeof gasSettingsViewSchema>;
export { gasWarningSchema, topUpViewSchema };
