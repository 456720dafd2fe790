import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { returnedRows } from '@keel/persistence';
import { countAttemptAssignments } from '../lockout/attempt-lockout';
import { DATA_SOURCE } from '../tokens';

export type LoginAttempt =
  { readonly admitted: true } | { readonly admitted: false; readonly lockedUntil: Date };

/**
 * Counts password login attempts per (organization, lower-cased email), whether or not
 * the user exists. The only code touching login_throttle.
 */
@Injectable()
export class LoginThrottleRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  /**
   * Counts an attempt before its password is checked, by the rule of `countAttemptAssignments`
   * (the same as wallet verification's): at most `maxAttempts` passwords are ever checked
   * between lockouts, however many requests arrive at once.
   */
  async reserve(
    organizationId: string,
    email: string,
    maxAttempts: number,
    lockoutSeconds: number,
  ): Promise<LoginAttempt> {
    const rows: { locked_until: Date | null }[] = returnedRows(
      await this.ds.query(
        `INSERT INTO login_throttle AS t (organization_id, email_key, failures)
         VALUES ($1, lower($2), 1)
         ON CONFLICT (organization_id, email_key) DO UPDATE SET
           ${countAttemptAssignments('t', '$3', '$4')},
           updated_at = now()
         RETURNING locked_until`,
        [organizationId, email, maxAttempts, lockoutSeconds],
      ),
    );
    const lockedUntil = rows[0]?.locked_until ?? null;
    return lockedUntil && lockedUntil.getTime() > Date.now()
      ? { admitted: false, lockedUntil }
      : { admitted: true };
  }

  /** A successful login clears the count. */
  async succeeded(organizationId: string, email: string): Promise<void> {
    await this.ds.query(
      `DELETE FROM login_throttle WHERE organization_id = $1 AND email_key = lower($2)`,
      [organizationId, email],
    );
  }
}
