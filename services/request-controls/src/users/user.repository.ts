import { Inject, Injectable } from '@nestjs/common';
import type { PlatformRole } from '@keel/operations';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';
import { returnedRows } from '@keel/persistence';

export interface UserRecord {
  readonly id: string;
  readonly organizationId: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly passwordHash: string;
  readonly roles: PlatformRole[];
  readonly disabledAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface UserRow {
  id: string;
  organization_id: string;
  email: string;
  display_name: string | null;
  password_hash: string;
  roles: PlatformRole[];
  disabled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export function toUserRecord(r: UserRow): UserRecord {
  return {
    id: r.id,
    organizationId: r.organization_id,
    email: r.email,
    displayName: r.display_name,
    passwordHash: r.password_hash,
    roles: r.roles,
    disabledAt: r.disabled_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface UserChanges {
  readonly roles?: PlatformRole[];
  readonly displayName?: string | null;
  readonly disabled?: boolean;
  readonly passwordHash?: string;
}

/** The only code touching the organizations and users tables. Every query is scoped to an organization. */
@Injectable()
export class UserRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async findByEmail(organizationId: string, email: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.ds.query(
      'SELECT * FROM users WHERE organization_id = $1 AND email = $2',
      [organizationId, email],
    );
    return rows[0] ? toUserRecord(rows[0]) : null;
  }

  async findById(organizationId: string, id: string): Promise<UserRecord | null> {
    const rows: UserRow[] = await this.ds.query(
      'SELECT * FROM users WHERE organization_id = $1 AND id = $2',
      [organizationId, id],
    );
    return rows[0] ? toUserRecord(rows[0]) : null;
  }

  /** Inserts the user (and its organization on first use); null when the email is taken. */
  async insert(user: {
    id: string;
    organizationId: string;
    email: string;
    displayName: string | null;
    passwordHash: string;
    roles: PlatformRole[];
    createdBy: string;
  }): Promise<UserRecord | null> {
    await this.ds.query('INSERT INTO organizations (id) VALUES ($1) ON CONFLICT DO NOTHING', [
      user.organizationId,
    ]);
    const rows: UserRow[] = await this.ds.query(
      `INSERT INTO users (id, organization_id, email, display_name, password_hash, roles, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (organization_id, email) DO NOTHING RETURNING *`,
      [
        user.id,
        user.organizationId,
        user.email,
        user.displayName,
        user.passwordHash,
        user.roles,
        user.createdBy,
      ],
    );
    return rows[0] ? toUserRecord(rows[0]) : null;
  }

  async listByOrganization(organizationId: string): Promise<UserRecord[]> {
    const rows: UserRow[] = await this.ds.query(
      'SELECT * FROM users WHERE organization_id = $1 ORDER BY created_at, id',
      [organizationId],
    );
    return rows.map(toUserRecord);
  }

  /** Applies the changes; a disabled user or a new password also ends every session. */
  async update(
    organizationId: string,
    id: string,
    changes: UserChanges,
  ): Promise<UserRecord | null> {
    return this.ds.transaction(async (m) => {
      const rows: UserRow[] = returnedRows(
        await m.query(
          `UPDATE users SET
           roles = COALESCE($3, roles),
           display_name = CASE WHEN $4::boolean THEN $5 ELSE display_name END,
           disabled_at = CASE WHEN $6::boolean IS NULL THEN disabled_at
                              WHEN $6::boolean THEN COALESCE(disabled_at, now()) ELSE NULL END,
           password_hash = COALESCE($7, password_hash),
           updated_at = now()
         WHERE organization_id = $1 AND id = $2 RETURNING *`,
          [
            organizationId,
            id,
            changes.roles ?? null,
            changes.displayName !== undefined,
            changes.displayName ?? null,
            changes.disabled ?? null,
            changes.passwordHash ?? null,
          ],
        ),
      );
      if (!rows[0]) return null;
      if (changes.disabled === true || changes.passwordHash !== undefined) {
        await m.query(
          'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL',
          [id],
        );
      }
      return toUserRecord(rows[0]);
    });
  }

  /** Deletes the user with its sessions and wallet verification; false when there is none. */
  async delete(organizationId: string, id: string): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query('DELETE FROM users WHERE organization_id = $1 AND id = $2 RETURNING id', [
        organizationId,
        id,
      ]),
    );
    return rows.length > 0;
  }
}
