import { z } from 'zod';
import { addressSchema, amountSchema } from './operation-types';

/** `POST /api/v1/compliance/simulate`. */
export const simulateTransferRequestSchema = z.strictObject({
  asset: addressSchema,
  from: addressSchema,
  to: addressSchema,
  amount: amountSchema,
});
export type SimulateTransferRequest = z.infer<typeof simulateTransferRequestSchema>;

export const moduleCheckSchema = z.object({
  /** Module name (contract `name()` when it has one), or a built-in check such as `identity`. */
  module: z.string(),
  address: z.string().optional(),
  passed: z.boolean(),
  reason: z.string().optional(),
  errorName: z.string().optional(),
});
export type ModuleCheck = z.infer<typeof moduleCheckSchema>;

export const simulateTransferResultSchema = z.object({
  allowed: z.boolean(),
  /** Each check in evaluation order. */
  modules: z.array(moduleCheckSchema),
  deniedBy: z.object({ module: z.string(), reason: z.string() }).optional(),
});
export type SimulateTransferResult = z.infer<typeof simulateTransferResultSchema>;
