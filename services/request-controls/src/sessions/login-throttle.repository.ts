import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { returnedRows } from '@keel/persistence';
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
   * Counts an attempt before its password is checked, in one row-locked statement, so
   * that at most `maxAttempts` passwords are ever checked between lockouts however many
   * requests arrive at once. The attempt past the limit starts the lockout; once it has
   * ended, counting starts again.
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
           failures = CASE
             WHEN t.locked_until > now() THEN t.failures
             WHEN t.locked_until IS NOT NULL THEN 1
             ELSE t.failures + 1 END,
           locked_until = CASE
             WHEN t.locked_until > now() THEN t.locked_until
             WHEN t.locked_until IS NOT NULL THEN NULL
             WHEN t.failures + 1 > $3 THEN now() + make_interval(secs => $4)
             ELSE NULL END,
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
