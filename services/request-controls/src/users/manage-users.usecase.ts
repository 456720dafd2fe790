import { Injectable } from '@nestjs/common';
import { type Principal, Problem, problems } from '@keel/operations';
import { v7 as uuidv7 } from 'uuid';
import { PasswordHasher } from '../crypto/password-hasher';
import { UserRepository, type UserRecord } from './user.repository';
import type { CreateUserCommand, UpdateUserCommand } from './users.schemas';

export interface UserView {
  readonly id: string;
  readonly organizationId: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly roles: string[];
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export function viewOf(u: UserRecord): UserView {
  return {
    id: u.id,
    organizationId: u.organizationId,
    email: u.email,
    displayName: u.displayName,
    roles: u.roles,
    disabled: u.disabledAt !== null,
    createdAt: u.createdAt.toISOString(),
    updatedAt: u.updatedAt.toISOString(),
  };
}

function requireAdmin(principal: Principal): void {
  if (!principal.roles.includes('admin') || principal.scope !== 'read-write') {
    throw problems.forbidden(
      'Managing users requires the admin role (a read-write admin API key or an admin user).',
      { requiredRole: 'admin' },
    );
  }
}

/**
 * User management by organization admins. Everything is scoped to the
 * caller's organization: another organization's user is "not found".
 */
@Injectable()
export class ManageUsersUseCase {
  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  async create(admin: Principal, command: CreateUserCommand): Promise<UserView> {
    requireAdmin(admin);
    const created = await this.users.insert({
      id: uuidv7(),
      organizationId: admin.organizationId,
      email: command.email,
      displayName: command.displayName ?? null,
      passwordHash: await this.hasher.hash(command.password),
      roles: [...new Set(command.roles)],
      createdBy: admin.subjectId,
    });
    if (!created) {
      throw new Problem({
        category: 'conflict',
        message: 'User already exists',
        why: 'A user with this email already exists in the organization.',
        fix: 'Use another email, or change the existing user with PATCH /api/v1/users/{id}.',
        details: { code: 'USER_EXISTS' },
      });
    }
    return viewOf(created);
  }

  async list(admin: Principal): Promise<{ items: UserView[] }> {
    requireAdmin(admin);
    return { items: (await this.users.listByOrganization(admin.organizationId)).map(viewOf) };
  }

  async get(admin: Principal, id: string): Promise<UserView> {
    requireAdmin(admin);
    const user = await this.users.findById(admin.organizationId, id);
    if (!user) throw problems.notFound('User', id);
    return viewOf(user);
  }

  async update(admin: Principal, id: string, command: UpdateUserCommand): Promise<UserView> {
    requireAdmin(admin);
    const updated = await this.users.update(admin.organizationId, id, {
      ...(command.roles ? { roles: [...new Set(command.roles)] } : {}),
      ...(command.disabled !== undefined ? { disabled: command.disabled } : {}),
      ...(command.displayName !== undefined ? { displayName: command.displayName } : {}),
      ...(command.password ? { passwordHash: await this.hasher.hash(command.password) } : {}),
    });
    if (!updated) throw problems.notFound('User', id);
    return viewOf(updated);
  }

  async delete(admin: Principal, id: string): Promise<{ id: string; deleted: true }> {
    requireAdmin(admin);
    if (!(await this.users.delete(admin.organizationId, id))) throw problems.notFound('User', id);
    return { id, deleted: true };
  }
}
