import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { AuthenticatePrincipalUseCase } from '../sessions/authenticate-principal.usecase';
import { credentialsShape } from '../sessions/sessions.schemas';
import { ManageUsersUseCase, type UserView } from './manage-users.usecase';
import { createUserSchema, updateUserSchema, userIdSchema } from './users.schemas';

const withCredentials = z.object({ ...credentialsShape, user: z.unknown() });
const credentialsOnly = z.object(credentialsShape);

/** Internal API for the gateway: user management (organization admins). */
@Controller('internal/v1/users')
export class UsersController {
  constructor(
    private readonly authenticate: AuthenticatePrincipalUseCase,
    private readonly users: ManageUsersUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  async create(@Body() body: unknown): Promise<UserView> {
    const { user, ...credentials } = validateOrThrow(withCredentials, body ?? null, 'request');
    const admin = await this.authenticate.execute(credentials);
    return this.users.create(admin, validateOrThrow(createUserSchema, user ?? null, 'user'));
  }

  @Post('list')
  @HttpCode(200)
  async list(@Body() body: unknown): Promise<{ items: UserView[] }> {
    const admin = await this.authenticate.execute(
      validateOrThrow(credentialsOnly, body ?? null, 'request'),
    );
    return this.users.list(admin);
  }

  @Post(':id/get')
  @HttpCode(200)
  async get(@Param('id') id: string, @Body() body: unknown): Promise<UserView> {
    const admin = await this.authenticate.execute(
      validateOrThrow(credentialsOnly, body ?? null, 'request'),
    );
    return this.users.get(admin, validateOrThrow(userIdSchema, id, 'user id'));
  }

  @Post(':id/update')
  @HttpCode(200)
  async update(@Param('id') id: string, @Body() body: unknown): Promise<UserView> {
    const { user, ...credentials } = validateOrThrow(withCredentials, body ?? null, 'request');
    const admin = await this.authenticate.execute(credentials);
    return this.users.update(
      admin,
      validateOrThrow(userIdSchema, id, 'user id'),
      validateOrThrow(updateUserSchema, user ?? null, 'user changes'),
    );
  }

  @Post(':id/delete')
  @HttpCode(200)
  async delete(
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<{ id: string; deleted: true }> {
    const admin = await this.authenticate.execute(
      validateOrThrow(credentialsOnly, body ?? null, 'request'),
    );
    return this.users.delete(admin, validateOrThrow(userIdSchema, id, 'user id'));
  }
}
