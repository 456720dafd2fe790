import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';
import { returnedRows } from '@keel/persistence';
import { toUserRecord, type UserRecord } from '../users/user.repository';

export interface SessionLookup {
  readonly sessionId: string;
  readonly accessExpiresAt: Date;
  readonly revoked: boolean;
  readonly expired: boolean;
  readonly user: UserRecord;
}

export interface IssuedSession {
  readonly sessionId: string;
  readonly accessExpiresAt: Date;
  readonly refreshExpiresAt: Date;
  readonly userId: string;
  readonly organizationId: string;
}

interface SessionRow {
  session_id: string;
  access_expires_at: Date;
  refresh_expires_at: Date;
  user_id: string;
  organization_id: string;
}

/** The only code touching the sessions table. Tokens arrive here hashed, never in clear. */
@Injectable()
export class SessionRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async insert(s: {
    id: string;
    organizationId: string;
    userId: string;
    accessHash: Buffer;
    accessTtlSeconds: number;
    refreshHash: Buffer;
    refreshTtlSeconds: number;
  }): Promise<IssuedSession> {
    const rows: SessionRow[] = await this.ds.query(
      `INSERT INTO sessions (id, organization_id, user_id, access_hash, access_expires_at, refresh_hash, refresh_expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5), $6, now() + make_interval(secs => $7))
       RETURNING id AS session_id, access_expires_at, refresh_expires_at, user_id, organization_id`,
      [
        s.id,
        s.organizationId,
        s.userId,
        s.accessHash,
        s.accessTtlSeconds,
        s.refreshHash,
        s.refreshTtlSeconds,
      ],
    );
    return toIssued(rows[0]!);
  }

  /** The session of an access token with its user (whether or not it is still valid). */
  async findByAccessHash(accessHash: Buffer): Promise<SessionLookup | null> {
    const rows: (Record<string, unknown> & {
      session_id: string;
      access_expires_at: Date;
      session_revoked_at: Date | null;
      expired: boolean;
    })[] = await this.ds.query(
      `SELECT s.id AS session_id, s.access_expires_at, s.revoked_at AS session_revoked_at,
              s.access_expires_at <= now() AS expired, u.*
       FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.access_hash = $1`,
      [accessHash],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      sessionId: r.session_id,
      accessExpiresAt: r.access_expires_at,
      revoked: r.session_revoked_at !== null,
      expired: r.expired,
      user: toUserRecord(r as unknown as Parameters<typeof toUserRecord>[0]),
    };
  }

  /**
   * Rotates a live refresh token in one statement: the old refresh token (and
   * the old access token) stop working. Null when the token is not live; a
   * token that was already rotated revokes its whole session (theft signal).
   */
  async rotate(
    refreshHash: Buffer,
    next: {
      accessHash: Buffer;
      accessTtlSeconds: number;
      refreshHash: Buffer;
      refreshTtlSeconds: number;
    },
  ): Promise<IssuedSession | null> {
    const rows: SessionRow[] = returnedRows(
      await this.ds.query(
        `UPDATE sessions s SET
         access_hash = $2, access_expires_at = now() + make_interval(secs => $3),
         previous_refresh_hash = s.refresh_hash,
         refresh_hash = $4, refresh_expires_at = now() + make_interval(secs => $5)
       FROM users u
       WHERE s.refresh_hash = $1 AND s.revoked_at IS NULL AND s.refresh_expires_at > now()
         AND u.id = s.user_id AND u.disabled_at IS NULL
       RETURNING s.id AS session_id, s.access_expires_at, s.refresh_expires_at, s.user_id, s.organization_id`,
        [
          refreshHash,
          next.accessHash,
          next.accessTtlSeconds,
          next.refreshHash,
          next.refreshTtlSeconds,
        ],
      ),
    );
    if (rows[0]) return toIssued(rows[0]);
    await this.ds.query(
      'UPDATE sessions SET revoked_at = now() WHERE previous_refresh_hash = $1 AND revoked_at IS NULL',
      [refreshHash],
    );
    return null;
  }

  /** Revokes the session of an access token; false when no live session has it. */
  async revokeByAccessHash(accessHash: Buffer): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query(
        `UPDATE sessions SET revoked_at = now()
       WHERE access_hash = $1 AND revoked_at IS NULL AND access_expires_at > now() RETURNING id`,
        [accessHash],
      ),
    );
    return rows.length > 0;
  }
}

function toIssued(r: SessionRow): IssuedSession {
  return {
    sessionId: r.session_id,
    accessExpiresAt: r.access_expires_at,
    refreshExpiresAt: r.refresh_expires_at,
    userId: r.user_id,
    organizationId: r.organization_id,
  };
}
