import { operationRequestSchema } from '@keel/operations';
import { z } from 'zod';
import { credentialsShape } from '../sessions/sessions.schemas';

const password = z.string().min(1).max(1024);
export const walletVerificationEvidenceSchema = operationRequestSchema.shape.walletVerification;

export const statusRequestSchema = z.strictObject(credentialsShape);
export const setPinRequestSchema = z.strictObject({
  ...credentialsShape,
  pin: z.string().regex(/^\d{6}$/, 'must be exactly 6 digits'),
  password,
});
export const passwordRequestSchema = z.strictObject({ ...credentialsShape, password });
export const confirmTotpRequestSchema = z.strictObject({
  ...credentialsShape,
  code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code of the authenticator app'),
});
export const removeMethodRequestSchema = z.strictObject({
  ...credentialsShape,
  // Removing a method needs no password: it only ever makes writes harder (setting one does).
  method: z.enum(['pin', 'totp', 'backup-code']),
});
export const checkRequestSchema = z.object({
  ...credentialsShape,
  walletVerification: walletVerificationEvidenceSchema,
});
