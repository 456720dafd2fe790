import { z } from 'zod';
import { createApiKeyCommandSchema } from './usecases/create-api-key/create-api-key.command';

// The internal API is called by the gateway with the key the client presented;
// the key is only ever compared to its hash here.
// A user session presents its access token as `bearer` instead.
export const presentedKeySchema = z.object({
  apiKey: z.string().max(512).optional(),
  bearer: z.string().max(512).optional(),
});
export const createApiKeyRequestSchema = presentedKeySchema.extend({ key: z.unknown() });
export { createApiKeyCommandSchema };
