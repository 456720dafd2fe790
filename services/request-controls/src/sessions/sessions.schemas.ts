import { z } from 'zod';

/** Credentials the gateway forwards as the client presented them (compared to hashes only). */
export const credentialsShape = {
  apiKey: z.string().max(512).optional(),
  bearer: z.string().max(512).optional(),
};
export const credentialsSchema = z.object(credentialsShape);

export const emailSchema = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address')
  .transform((e) => e.toLowerCase());

export const passwordSchema = z.string().min(12, 'must have at least 12 characters').max(1024);

export const loginRequestSchema = z.strictObject({
  organization: z.string().min(1).max(128),
  email: emailSchema,
  password: z.string().min(1).max(1024),
});

export const refreshRequestSchema = z.strictObject({
  refreshToken: z.string().min(1).max(512),
});
