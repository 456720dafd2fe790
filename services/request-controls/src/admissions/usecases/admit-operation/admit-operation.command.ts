import { operationRequestSchema } from '@keel/operations';
import { z } from 'zod';

/** What the gateway sends to admit `POST /api/v1/operations`. */
export const admitOperationCommandSchema = z.object({
  apiKey: z.string().max(512).optional(),
  /** A user session's access token (Authorization: Bearer), instead of an API key. */
  bearer: z.string().max(512).optional(),
  idempotencyKey: z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  request: operationRequestSchema,
});
export type AdmitOperationCommand = z.infer<typeof admitOperationCommandSchema>;
