import { z } from 'zod';

const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address')
  .transform((a) => a.toLowerCase());
const uint = z.string().regex(/^(0|[1-9][0-9]{0,77})$/, 'must be a decimal integer string');
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$/, 'must be HH:MM (UTC)');
/** What a breach of the rule does: refuse outright, or hold for the quorum. */
const onBreach = z.enum(['block', 'require-approval']);
/** A principal as request controls names it: `user:<id>` or `apikey:<id>`. */
export const subjectId = z.string().regex(/^(user|apikey):[A-Za-z0-9._-]{1,128}$/, {
  message: 'must be user:<id> or apikey:<id>',
});

export const walletPolicySchema = z
  .object({
    /** Per-transaction limit in base units; without `asset` it applies to every asset. */
    amountLimits: z
      .array(z.object({ asset: address.optional(), max: uint, onBreach }).strict())
      .max(100)
      .default([]),
    /** Sum moved per asset within the last `windowSeconds` (the transaction included). */
    rollingLimits: z
      .array(
        z
          .object({
            asset: address,
            windowSeconds: z.number().int().min(1).max(31_536_000),
            max: uint,
            onBreach,
          })
          .strict(),
      )
      .max(100)
      .default([]),
    /** Tokens may only move to these addresses. */
    destinationAllowlist: z
      .object({ addresses: z.array(address).max(1000), onBreach })
      .strict()
      .optional(),
    /** Signing is allowed only inside one of these UTC windows (days: 0 = Sunday). */
    timeWindows: z
      .object({
        windows: z
          .array(
            z
              .object({
                days: z.array(z.number().int().min(0).max(6)).min(1).max(7),
                from: hhmm,
                to: hhmm,
              })
              .strict(),
          )
          .min(1)
          .max(50),
        onBreach,
      })
      .strict()
      .optional(),
    /** M of N named approvers; an undecided hold is rejected after `timeoutSeconds`. */
    quorum: z
      .object({
        approvers: z.array(subjectId).min(1).max(50),
        required: z.number().int().min(1),
        timeoutSeconds: z.number().int().min(1).max(2_592_000),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.quorum) {
      const distinct = new Set(p.quorum.approvers);
      if (distinct.size !== p.quorum.approvers.length)
        ctx.addIssue({
          code: 'custom',
          path: ['quorum', 'approvers'],
          message: 'approvers must be distinct',
        });
      if (p.quorum.required > distinct.size)
        ctx.addIssue({
          code: 'custom',
          path: ['quorum', 'required'],
          message: 'required must not exceed the number of approvers',
        });
    }
    const holds = [
      ...p.amountLimits.map((r) => r.onBreach),
      ...p.rollingLimits.map((r) => r.onBreach),
      p.destinationAllowlist?.onBreach,
      p.timeWindows?.onBreach,
    ].includes('require-approval');
    if (holds && !p.quorum)
      ctx.addIssue({
        code: 'custom',
        path: ['quorum'],
        message: 'a rule that requires approval needs a quorum',
      });
  });

export type WalletPolicy = z.infer<typeof walletPolicySchema>;
export type OnBreach = z.infer<typeof onBreach>;
