import { z } from 'zod';
import { airdropParamSchemas } from './airdrop-types';
import { issuanceParamSchemas } from './issuance-types';
import { addressSchema } from './param-primitives';

export { addressSchema };

// Amounts are decimal strings of base units: uint256 does not fit a JSON number.
export const amountSchema = z
  .string()
  .regex(
    /^(0|[1-9][0-9]{0,77})$/,
    'must be a non-negative integer in base units, as a decimal string',
  )
  .refine((v) => BigInt(v) < 2n ** 256n, 'must fit in uint256');
const positiveAmount = amountSchema.refine((v) => v !== '0', 'must be greater than 0');

/** On-chain roles of a Keel token (AccessControl), by their Keel name. */
export const tokenRoles = [
  'governance',
  'supply-management',
  'custodian',
  'emergency',
  'compliance-manager',
  'compliance-agent',
] as const;
export type TokenRole = (typeof tokenRoles)[number];

const asset = addressSchema.describe('Token contract address');

/** The params schema of each operation type; unknown fields are refused. */
export const operationParamSchemas = {
  'token.mint': z.strictObject({ asset, to: addressSchema, amount: positiveAmount }),
  'token.burn': z.strictObject({ asset, from: addressSchema, amount: positiveAmount }),
  'token.transfer': z.strictObject({ asset, to: addressSchema, amount: positiveAmount }),
  'token.transferFrom': z.strictObject({
    asset,
    from: addressSchema,
    to: addressSchema,
    amount: positiveAmount,
  }),
  'token.batchTransfer': z.strictObject({
    asset,
    transfers: z
      .array(z.strictObject({ to: addressSchema, amount: positiveAmount }))
      .min(1, 'must list at least one transfer')
      .max(200, 'at most 200 transfers per batch'),
  }),
  'token.forcedTransfer': z.strictObject({
    asset,
    from: addressSchema,
    to: addressSchema,
    amount: positiveAmount,
  }),
  'token.freeze': z.strictObject({ asset, account: addressSchema, frozen: z.boolean() }),
  'token.freezePartial': z.strictObject({ asset, account: addressSchema, amount: positiveAmount }),
  'token.pause': z.strictObject({ asset }),
  'token.unpause': z.strictObject({ asset }),
  'token.recover': z.strictObject({
    asset,
    lostWallet: addressSchema,
    newWallet: addressSchema,
    investorOnchainId: addressSchema,
  }),
  'role.grant': z.strictObject({ asset, role: z.enum(tokenRoles), account: addressSchema }),
  'role.revoke': z.strictObject({ asset, role: z.enum(tokenRoles), account: addressSchema }),
  ...issuanceParamSchemas,
  ...airdropParamSchemas,
  /**
   * A native-currency (gas) transfer to a wallet. Its signer — the source — is the
   * operation's `signer`, else the organization's gas wallet (gas settings), else the
   * engine's default signer; custody policy applies to that wallet as to any other.
   */
  'wallet.fund': z.strictObject({
    wallet: addressSchema.describe('The wallet that receives the native currency'),
    amount: positiveAmount.describe('Amount in wei, as a decimal string'),
  }),
} as const;

export type OperationType = keyof typeof operationParamSchemas;
export type OperationParams<T extends OperationType> = z.infer<(typeof operationParamSchemas)[T]>;
export const operationTypes = Object.keys(operationParamSchemas) as OperationType[];

export function isOperationType(value: string): value is OperationType {
  return Object.prototype.hasOwnProperty.call(operationParamSchemas, value);
}

/** A parsed operation: its type and params checked together. */
export type ParsedOperation = {
  [T in OperationType]: { type: T; params: OperationParams<T> };
}[OperationType];

/** The body of `POST /api/v1/operations`. */
export const operationRequestSchema = z.strictObject({
  type: z.string().min(1).max(64),
  params: z.record(z.string(), z.unknown()),
  signer: addressSchema.optional(),
  /**
   * Wallet verification evidence (PIN, TOTP or backup code) a session must send
   * with a write; API keys skip it. Never part of the idempotency digest.
   */
  walletVerification: z
    .strictObject({
      type: z.enum(['pin', 'totp', 'backup-code']),
      code: z.string().min(1).max(64),
    })
    .optional(),
});
export type OperationRequest = z.infer<typeof operationRequestSchema>;
export type WalletVerificationEvidence = NonNullable<OperationRequest['walletVerification']>;

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export function describeZodIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter((s) => s.length > 0).join('.') || '(root)',
    message: i.message,
  }));
}

export type ParseOperationResult =
  | { ok: true; operation: ParsedOperation }
  | { ok: false; unknownType: boolean; issues: FieldIssue[] };

/** Validates the params of an operation against its type's schema. */
export function parseOperation(type: string, params: unknown): ParseOperationResult {
  if (!isOperationType(type)) {
    return {
      ok: false,
      unknownType: true,
      issues: [
        { path: 'type', message: `unknown operation type; one of: ${operationTypes.join(', ')}` },
      ],
    };
  }
  const result = operationParamSchemas[type].safeParse(params);
  if (!result.success)
    return { ok: false, unknownType: false, issues: describeZodIssues(result.error, 'params') };
  return { ok: true, operation: { type, params: result.data } as ParsedOperation };
}

/** The token (asset) an operation acts on; undefined for system, identity and issuance operations. */
export function assetOf(operation: ParsedOperation): string | undefined {
  return 'asset' in operation.params ? operation.params.asset : undefined;
}

/** A stable digest of an operation request, for idempotency-key comparison. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
