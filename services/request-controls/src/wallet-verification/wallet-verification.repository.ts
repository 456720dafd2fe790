import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DATA_SOURCE } from '../tokens';
import { returnedRows } from '@keel/persistence';
import { countAttemptAssignments } from '../lockout/attempt-lockout';

export interface WalletVerificationState {
  readonly pinHash: string | null;
  readonly totpSecret: string | null;
  readonly totpPendingSecret: string | null;
  readonly totpLastStep: number | null;
  readonly failures: number;
  readonly lockedUntil: Date | null;
  readonly backupCodesRemaining: number;
}

interface StateRow {
  pin_hash: string | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_step: string | null;
  failures: number;
  locked_until: Date | null;
  backup_codes_remaining: string;
}

export type AttemptReservation =
  | { readonly admitted: true; readonly attempt: number }
  | { readonly admitted: false; readonly lockedUntil: Date };

/**
 * The only code touching wallet_verification and wallet_backup_codes. Every
 * state change that matters under concurrency (attempt counting, backup-code
 * consumption, TOTP step) is one conditional statement.
 */
@Injectable()
export class WalletVerificationRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  async state(userId: string): Promise<WalletVerificationState> {
    const rows: StateRow[] = await this.ds.query(
      `SELECT w.pin_hash, w.totp_secret, w.totp_pending_secret, w.totp_last_step, w.failures, w.locked_until,
              (SELECT count(*) FROM wallet_backup_codes b WHERE b.user_id = $1 AND b.used_at IS NULL) AS backup_codes_remaining
       FROM (SELECT $1::text AS user_id) k LEFT JOIN wallet_verification w ON w.user_id = k.user_id`,
      [userId],
    );
    const r = rows[0]!;
    return {
      pinHash: r.pin_hash,
      totpSecret: r.totp_secret,
      totpPendingSecret: r.totp_pending_secret,
      totpLastStep: r.totp_last_step === null ? null : Number(r.totp_last_step),
      failures: r.failures ?? 0,
      lockedUntil: r.locked_until,
      backupCodesRemaining: Number(r.backup_codes_remaining),
    };
  }

  private async upsert(userId: string, set: string, params: unknown[]): Promise<void> {
    await this.ds.query(
      `INSERT INTO wallet_verification (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`,
      [userId],
    );
    await this.ds.query(
      `UPDATE wallet_verification SET ${set}, updated_at = now() WHERE user_id = $1`,
      [userId, ...params],
    );
  }

  setPin(userId: string, pinHash: string | null): Promise<void> {
    return this.upsert(userId, 'pin_hash = $2', [pinHash]);
  }

  setPendingTotp(userId: string, sealedSecret: string): Promise<void> {
    return this.upsert(userId, 'totp_pending_secret = $2', [sealedSecret]);
  }

  /** Activates the pending TOTP secret; the confirming step cannot be replayed afterwards. */
  async confirmTotp(userId: string, pendingSealed: string, step: number): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query(
        `UPDATE wallet_verification SET totp_secret = totp_pending_secret, totp_pending_secret = NULL,
         totp_last_step = $3, updated_at = now()
       WHERE user_id = $1 AND totp_pending_secret = $2 RETURNING user_id`,
        [userId, pendingSealed, step],
      ),
    );
    return rows.length > 0;
  }

  removeTotp(userId: string): Promise<void> {
    return this.upsert(
      userId,
      'totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL',
      [],
    );
  }

  /** Records a matched TOTP step; false when this or a later step was already used (replay). */
  async useTotpStep(userId: string, step: number): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query(
        `UPDATE wallet_verification SET totp_last_step = $2
       WHERE user_id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING user_id`,
        [userId, step],
      ),
    );
    return rows.length > 0;
  }

  /** Replaces every backup code of the user. */
  async replaceBackupCodes(userId: string, hashes: Buffer[]): Promise<void> {
    await this.ds.transaction(async (m) => {
      await m.query('DELETE FROM wallet_backup_codes WHERE user_id = $1', [userId]);
      for (const h of hashes) {
        await m.query('INSERT INTO wallet_backup_codes (user_id, code_hash) VALUES ($1, $2)', [
          userId,
          h,
        ]);
      }
    });
  }

  async removeBackupCodes(userId: string): Promise<void> {
    await this.ds.query('DELETE FROM wallet_backup_codes WHERE user_id = $1', [userId]);
  }

  /** Marks an unused backup code used; false when there is none (wrong or already used). */
  async consumeBackupCode(userId: string, hash: Buffer): Promise<boolean> {
    const rows: unknown[] = returnedRows(
      await this.ds.query(
        `UPDATE wallet_backup_codes SET used_at = now()
       WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id`,
        [userId, hash],
      ),
    );
    return rows.length > 0;
  }

  /**
   * Counts an attempt before it is checked (row-locked, one statement): at
   * most `maxAttempts` attempts are ever checked between lockouts, however
   * many arrive at once. An attempt beyond the limit starts the lockout.
   */
  async reserveAttempt(
    userId: string,
    maxAttempts: number,
    lockoutSeconds: number,
  ): Promise<AttemptReservation> {
    await this.ds.query(
      'INSERT INTO wallet_verification (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING',
      [userId],
    );
    const rows: { failures: number; locked_until: Date | null }[] = returnedRows(
      await this.ds.query(
        `UPDATE wallet_verification SET ${countAttemptAssignments('wallet_verification', '$2', '$3')}
       WHERE user_id = $1
       RETURNING failures, locked_until`,
        [userId, maxAttempts, lockoutSeconds],
      ),
    );
    const r = rows[0]!;
    if (r.locked_until && r.locked_until.getTime() > Date.now()) {
      return { admitted: false, lockedUntil: r.locked_until };
    }
    return { admitted: true, attempt: r.failures };
  }

  async attemptSucceeded(userId: string): Promise<void> {
    await this.ds.query(
      'UPDATE wallet_verification SET failures = 0, locked_until = NULL WHERE user_id = $1',
      [userId],
    );
  }

  /** Starts the lockout after the last allowed failure; returns its end. */
  async lock(userId: string, lockoutSeconds: number): Promise<Date> {
    const rows: { locked_until: Date }[] = returnedRows(
      await this.ds.query(
        `UPDATE wallet_verification SET locked_until = GREATEST(COALESCE(locked_until, now()), now() + make_interval(secs => $2))
       WHERE user_id = $1 RETURNING locked_until`,
        [userId, lockoutSeconds],
      ),
    );
    return rows[0]!.locked_until;
  }
}
