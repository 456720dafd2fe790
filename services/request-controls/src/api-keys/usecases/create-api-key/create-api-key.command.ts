import { addressSchema, apiKeyScopes, platformRoles } from '@keel/operations';
import { z } from 'zod';

/** Body of `POST /api/v1/api-keys`. */
export const createApiKeyCommandSchema = z.strictObject({
  name: z.string().min(1).max(100),
  scope: z.enum(apiKeyScopes),
  roles: z.array(z.enum(platformRoles)).min(1).max(platformRoles.length),
  assets: z.array(addressSchema).max(100).default([]),
});
export type CreateApiKeyCommand = z.infer<typeof createApiKeyCommandSchema>;
