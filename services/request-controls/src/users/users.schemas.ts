import { platformRoles } from '@keel/operations';
import { z } from 'zod';
import { emailSchema, passwordSchema } from '../sessions/sessions.schemas';

const rolesSchema = z.array(z.enum(platformRoles)).min(1).max(platformRoles.length);

export const createUserSchema = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  roles: rolesSchema,
  displayName: z.string().trim().min(1).max(200).optional(),
});
export type CreateUserCommand = z.infer<typeof createUserSchema>;

export const updateUserSchema = z
  .strictObject({
    roles: rolesSchema.optional(),
    disabled: z.boolean().optional(),
    displayName: z.string().trim().min(1).max(200).nullable().optional(),
    password: passwordSchema.optional(),
  })
  .refine(
    (c) => Object.keys(c).length > 0,
    'send at least one of roles, disabled, displayName, password',
  );
export type UpdateUserCommand = z.infer<typeof updateUserSchema>;

export const userIdSchema = z.string().min(1).max(64);
