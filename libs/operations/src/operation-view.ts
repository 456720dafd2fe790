import { operationStatuses } from '@keel/events';
import { z } from 'zod';

/** One transaction of an operation as the API shows it. */
export const transactionViewSchema = z.object({
  index: z.number().int().nonnegative(),
  /** What this transaction does, for an operation of several (e.g. `deploy KeelToken implementation`). */
  label: z.string().optional(),
  chainId: z.number().int(),
  from: z.string(),
  to: z.string(),
  nonce: z.string().nullable(),
  hash: z.string().nullable(),
  status: z.enum(['prepared', 'signed', 'broadcast', 'mined', 'reverted', 'failed']),
  blockNumber: z.string().nullable(),
  confirmations: z.number().int().nonnegative(),
  gasUsed: z.string().nullable(),
});

export const operationErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** For a compliance denial: the module that denied, and its reason. */
  module: z.string().optional(),
  reason: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type TransactionView = z.infer<typeof transactionViewSchema>;

/**
 * An operation's `minBlock`: the highest block holding one of its mined transactions (a
 * reverted one is mined too). Null when none is mined yet.
 */
export function minBlockOf(
  transactions: readonly Pick<TransactionView, 'status' | 'blockNumber'>[],
): string | null {
  let highest: bigint | null = null;
  for (const tx of transactions) {
    if ((tx.status !== 'mined' && tx.status !== 'reverted') || tx.blockNumber === null) continue;
    const block = BigInt(tx.blockNumber);
    if (highest === null || block > highest) highest = block;
  }
  return highest === null ? null : highest.toString();
}

/** `GET /api/v1/operations/{id}`. */
export const operationViewSchema = z.object({
  id: z.string(),
  organizationId: z.string(),
  type: z.string(),
  params: z.record(z.string(), z.unknown()),
  signer: z.string().nullable(),
  status: z.enum(operationStatuses),
  subStatus: z
    .string()
    .nullable()
    .describe(
      'FAILED: why (COMPLIANCE_REJECTED, REVERTED, INSUFFICIENT_BALANCE for a token shortfall, INSUFFICIENT_GAS_FUNDS when the signer wallet cannot pay gas limit × max fee + value — caught before signing, details {wallet, needed, available} — NONCE_CONFLICT, SIGNING_FAILED, PAYLOAD_MISMATCH, BLOCKED_BY_POLICY, APPROVAL_TIMEOUT, REQUEST_REJECTED, PREPARATION_FAILED). BROADCASTING: why a sent transaction waits — a node refused it for now but it may still be mined and is sent again (INSUFFICIENT_GAS_FUNDS, NONCE_GAP, FEE_CAP_TOO_LOW, UNDERPRICED, REPLACEMENT_UNDERPRICED, RPC_UNAVAILABLE, BROADCAST_REFUSED), REPLACING_NONCE_CONSUMED (re-signed on a new nonce), MESSAGE_DEAD_LETTERED. A sent transaction is never reported FAILED while it can still be mined.',
    ),
  error: operationErrorSchema.nullable(),
  /** What a completed operation produced, e.g. `{asset, compliance, identityRegistry, onchainID}` for asset.create. */
  result: z.record(z.string(), z.unknown()).optional(),
  /** For an operation of several transactions: how many, and the index of the one under way. */
  steps: z.object({ count: z.number().int(), current: z.number().int() }).optional(),
  /**
   * The block of the operation's last mined transaction (decimal string), null while none is
   * mined. Pass it as a read's `minBlock` to read the operation's own effect (read-your-writes).
   */
  minBlock: z.string().nullable().optional(),
  transactions: z.array(transactionViewSchema),
  /**
   * Gas notes on the operation: a top-up its signer wallet waits for (`AWAITING_GAS_TOP_UP`)
   * or one that could not be sent (`GAS_WALLET_LOW`, `DAILY_COUNT_LIMIT`, ...).
   */
  warnings: z
    .array(
      z.object({
        code: z.string(),
        message: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
      }),
    )
    .optional(),
  history: z.array(
    z.object({
      sequence: z.number().int().nonnegative(),
      status: z.enum(operationStatuses),
      subStatus: z.string().nullable(),
      at: z.string(),
    }),
  ),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OperationView = z.infer<typeof operationViewSchema>;

export const operationListSchema = z.object({
  items: z.array(operationViewSchema),
  nextCursor: z.string().nullable(),
});
export type OperationList = z.infer<typeof operationListSchema>;

/** Query of `GET /api/v1/operations`. */
export const operationListQuerySchema = z.strictObject({
  status: z.enum(operationStatuses).optional(),
  type: z.string().max(64).optional(),
  signer: z.string().max(42).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type OperationListQuery = z.infer<typeof operationListQuerySchema>;

export const terminalStatuses = ['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED'] as const;
export function isTerminalStatus(status: string): boolean {
  return (terminalStatuses as readonly string[]).includes(status);
}
