import { z } from 'zod';
import { ClaimExpressionError, compileClaimExpression } from './claim-expression';
import { addressSchema as address, positiveUintSchema as positiveUint } from './param-primitives';

// Params of the system, identity, claim and issuance operations (issue 8). Kept
// apart from the token operations; `operationParamSchemas` joins both.

/** ISO 3166-1 numeric country code (e.g. 840 United States, 276 Germany). */
export const countrySchema = z.number().int().min(1).max(999);
/** A claim topic id (e.g. 1 = KYC). */
export const claimTopicSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const hexData = z
  .string()
  .regex(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex bytes')
  .max(2 + 2 * 4096);
const optionalAsset = address
  .optional()
  .describe('Asset (token) tier; the system tier when absent');

/** The compliance modules an asset may bind, with their parameters. */
export const moduleParamSchemas = {
  'country-allow-list': z.strictObject({ countries: z.array(countrySchema).min(1).max(250) }),
  'country-block-list': z.strictObject({ countries: z.array(countrySchema).min(1).max(250) }),
  'max-investor-count': z.strictObject({
    maxInvestors: z.number().int().min(1).max(1_000_000_000),
    perCountry: z
      .array(z.strictObject({ country: countrySchema, maxInvestors: z.number().int().min(1) }))
      .max(250)
      .optional(),
  }),
  'max-balance': z.strictObject({ maxBalance: positiveUint }),
  'supply-limit': z.strictObject({
    cap: positiveUint,
    period: z
      .strictObject({ lengthSeconds: z.number().int().min(1), limit: positiveUint })
      .optional(),
  }),
  'transfer-volume-limit': z.strictObject({
    windowSeconds: z.number().int().min(1),
    limit: positiveUint,
  }),
  'time-lock': z.strictObject({ holdPeriodSeconds: z.number().int().min(1) }),
  'address-allow-list': z.strictObject({ addresses: z.array(address).min(1).max(500) }),
  'address-block-list': z.strictObject({ addresses: z.array(address).min(1).max(500) }),
  'transfer-approval': z.strictObject({}),
  'identity-claim-expression': z.strictObject({
    expression: z
      .string()
      .min(1)
      .max(1000)
      .superRefine((source, ctx) => {
        try {
          compileClaimExpression(source);
        } catch (err) {
          if (!(err instanceof ClaimExpressionError)) throw err;
          ctx.addIssue({ code: 'custom', message: err.message });
        }
      })
      .describe(
        'Claim topics the recipient must hold, e.g. "1 AND (7 OR 9) AND NOT 13": topic ids with AND, OR, NOT and parentheses (at most 32 nodes)',
      ),
  }),
} as const;
export type ComplianceModuleType = keyof typeof moduleParamSchemas;
export const complianceModuleTypes = Object.keys(moduleParamSchemas) as ComplianceModuleType[];

const moduleSchema = z.discriminatedUnion(
  'type',
  complianceModuleTypes.map((type) =>
    z.strictObject({ type: z.literal(type), params: moduleParamSchemas[type] }),
  ) as unknown as [
    z.ZodObject<{ type: z.ZodLiteral<ComplianceModuleType>; params: z.ZodType }>,
    ...z.ZodObject<{ type: z.ZodLiteral<ComplianceModuleType>; params: z.ZodType }>[],
  ],
  { error: () => `unknown compliance module; one of: ${complianceModuleTypes.join(', ')}` },
);
export type ComplianceModuleConfig = {
  [T in ComplianceModuleType]: { type: T; params: z.infer<(typeof moduleParamSchemas)[T]> };
}[ComplianceModuleType];

export const assetKinds = ['bond', 'equity', 'fund', 'stablecoin', 'deposit'] as const;
export type AssetKind = (typeof assetKinds)[number];

/** Token roles grantable at creation (Keel token roles, by their Keel name). */
const assetRoles = [
  'governance',
  'supply-management',
  'custodian',
  'emergency',
  'compliance-manager',
  'compliance-agent',
] as const;

export const assetCreateSchema = z
  .strictObject({
    kind: z.enum(assetKinds),
    name: z.string().min(1).max(100),
    symbol: z.string().min(1).max(16),
    decimals: z.number().int().min(0).max(18),
    isin: z
      .string()
      .regex(/^[A-Z]{2}[A-Z0-9]{9}[0-9]$/, 'must be a 12-character ISIN')
      .optional(),
    metadata: z.record(z.string().min(1).max(64), z.string().max(256)).optional(),
    country: countrySchema.optional(),
    requiredClaimTopics: z.array(claimTopicSchema).max(20).default([]),
    modules: z.array(moduleSchema).max(10).default([]),
    features: z
      .strictObject({
        cap: positiveUint.optional(),
        historicalBalances: z.boolean().optional(),
        voting: z.boolean().optional(),
        bond: z
          .strictObject({
            faceValue: positiveUint,
            /** Unix seconds; must be in the future. */
            maturity: z.number().int().positive(),
            denominationAsset: address,
          })
          .optional(),
      })
      .default({}),
    /** Kind terms besides the bond's: equity shareClass/category, fund class/fee, stablecoin peg, deposit currency. */
    terms: z
      .strictObject({
        shareClass: z.string().min(1).max(64).optional(),
        category: z.string().max(64).optional(),
        fundClass: z.string().max(64).optional(),
        managementFeeBps: z.number().int().min(0).max(1000).optional(),
        pegCurrency: z.string().min(1).max(16).optional(),
        collateralClaimTopic: claimTopicSchema.optional(),
        currency: z.string().min(1).max(16).optional(),
        institution: z.string().max(100).optional(),
      })
      .default({}),
    roles: z
      .array(z.strictObject({ role: z.enum(assetRoles), account: address }))
      .max(20)
      .default([]),
  })
  .superRefine((v, ctx) => {
    const conflict = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    if (v.kind === 'bond' && !v.features.bond)
      conflict(
        ['features', 'bond'],
        'a bond needs its terms: faceValue, maturity, denominationAsset',
      );
    if (v.kind !== 'bond' && v.features.bond)
      conflict(['features', 'bond'], `bond terms conflict with kind ${v.kind}`);
    if (v.features.bond && v.features.bond.maturity * 1000 <= Date.now())
      conflict(['features', 'bond', 'maturity'], 'maturity must be in the future');
    const seen = new Set<string>();
    v.modules.forEach((m, i) => {
      if (seen.has(m.type)) conflict(['modules', i, 'type'], `module ${m.type} is listed twice`);
      seen.add(m.type);
    });
    if (seen.has('country-allow-list') && seen.has('country-block-list'))
      conflict(['modules'], 'country-allow-list and country-block-list conflict; use one');
    // ERC-5805 voting lives in the equity and fund tokens (KeelEquityToken, KeelFundToken).
    if (v.features.voting && v.kind !== 'equity' && v.kind !== 'fund')
      conflict(
        ['features', 'voting'],
        `voting is not supported by the ${v.kind} token implementation (equity and fund only)`,
      );
    if (v.features.cap && seen.has('supply-limit'))
      conflict(['features', 'cap'], 'features.cap conflicts with the supply-limit module; use one');
    if (v.kind === 'stablecoin' && !v.terms.pegCurrency)
      conflict(['terms', 'pegCurrency'], 'a stablecoin needs terms.pegCurrency');
    if (v.kind === 'stablecoin' && !v.terms.collateralClaimTopic)
      conflict(
        ['terms', 'collateralClaimTopic'],
        'a stablecoin needs terms.collateralClaimTopic (> 0)',
      );
    if (v.kind === 'deposit' && !v.terms.currency)
      conflict(['terms', 'currency'], 'a deposit needs terms.currency');
    const foreign: Record<AssetKind, readonly string[]> = {
      bond: [],
      equity: ['shareClass', 'category'],
      fund: ['fundClass', 'managementFeeBps'],
      stablecoin: ['pegCurrency', 'collateralClaimTopic'],
      deposit: ['currency', 'institution'],
    };
    for (const key of Object.keys(v.terms)) {
      if (!foreign[v.kind].includes(key))
        conflict(['terms', key], `terms.${key} does not apply to kind ${v.kind}`);
    }
  });

const subject = {
  /** The investor wallet whose registered identity receives the claim. */
  wallet: address.optional(),
  /** Or the identity contract directly. */
  identity: address.optional(),
};
const oneSubject = (v: { wallet?: string | undefined; identity?: string | undefined }) =>
  (v.wallet === undefined) !== (v.identity === undefined);
const oneSubjectMessage = { message: 'give exactly one of wallet or identity', path: ['wallet'] };

export const issuanceParamSchemas = {
  /** Deploys (or returns) the organization's system layer on the engine's chain. */
  'system.bootstrap': z.strictObject({}),
  'identity.create': z.strictObject({
    wallet: address,
    country: countrySchema,
    /** Extra CLAIM keys on the identity (the operation's signer is always one). */
    claimKeys: z.array(address).max(10).optional(),
  }),
  'identity.update': z
    .strictObject({
      wallet: address,
      country: countrySchema.optional(),
      identity: address.optional(),
    })
    .refine((v) => v.country !== undefined || v.identity !== undefined, {
      message: 'give country and/or identity',
      path: ['country'],
    }),
  'identity.remove': z.strictObject({ wallet: address }),
  /** `issuer` is the key-guardian wallet that signs claims; its claim issuer contract is created when missing. */
  'issuer.trust': z.strictObject({
    issuer: address,
    topics: z.array(claimTopicSchema).min(1).max(50),
    asset: optionalAsset,
  }),
  'issuer.untrust': z.strictObject({ issuer: address, asset: optionalAsset }),
  'claimTopic.add': z.strictObject({ topic: claimTopicSchema, asset: optionalAsset }),
  'claimTopic.remove': z.strictObject({ topic: claimTopicSchema, asset: optionalAsset }),
  'claim.issue': z
    .strictObject({
      ...subject,
      topic: claimTopicSchema,
      data: hexData.default('0x'),
      /** Unix seconds; 0 or absent = never expires. */
      expiry: z.number().int().nonnegative().optional(),
      issuer: address,
    })
    .refine(oneSubject, oneSubjectMessage),
  'claim.revoke': z
    .strictObject({ ...subject, topic: claimTopicSchema, issuer: address })
    .refine(oneSubject, oneSubjectMessage),
  'asset.create': assetCreateSchema,
} as const;
