import { Inject, Injectable } from '@nestjs/common';
import type { Principal, WalletVerificationEvidence } from '@keel/operations';
import { generateSecret, generateURI, verify as verifyTotp } from 'otplib';
import type { RequestControlsConfig } from '../config';
import { PasswordHasher } from '../crypto/password-hasher';
import type { SecretBox } from '../crypto/secret-box';
import { CONFIG } from '../tokens';
import { backupCodeHash, generateBackupCodes } from './backup-codes';
import {
  type WalletVerificationState,
  WalletVerificationRepository,
} from './wallet-verification.repository';
import { type WalletVerificationMethod, walletProblems } from './wallet-verification.problems';

export const WALLET_SECRET_BOX = Symbol('WALLET_SECRET_BOX');

export interface WalletVerificationStatus {
  readonly methods: WalletVerificationMethod[];
  readonly pin: { configured: boolean };
  readonly totp: { configured: boolean; pendingConfirmation: boolean };
  readonly backupCodes: { remaining: number };
  readonly lockedUntil: string | null;
}

const TOTP_ISSUER = 'Keel';

function methodsOf(s: WalletVerificationState): WalletVerificationMethod[] {
  return [
    ...(s.pinHash ? (['pin'] as const) : []),
    ...(s.totpSecret ? (['totp'] as const) : []),
    ...(s.backupCodesRemaining > 0 ? (['backup-code'] as const) : []),
  ];
}

const totpAad = (userId: string) => `wallet-totp:${userId}`;

/**
 * Wallet verification of user sessions: PIN, TOTP (RFC 6238) or a single-use
 * backup code, with attempts limited per user and a lockout. API keys skip it.
 */
@Injectable()
export class WalletVerificationService {
  constructor(
    @Inject(CONFIG) private readonly config: RequestControlsConfig,
    @Inject(WALLET_SECRET_BOX) private readonly box: SecretBox | null,
    private readonly repo: WalletVerificationRepository,
    private readonly hasher: PasswordHasher,
  ) {}

  /** Throws the typed problem unless the evidence verifies this principal (API keys pass). */
  async verify(
    principal: Principal,
    evidence: WalletVerificationEvidence | undefined,
  ): Promise<void> {
    if (principal.kind !== 'session') return;
    const userId = principal.userId!;
    const state = await this.repo.state(userId);
    const methods = methodsOf(state);
    if (methods.length === 0) throw walletProblems.notConfigured(null, methods);
    if (state.lockedUntil && state.lockedUntil.getTime() > Date.now())
      throw walletProblems.locked(state.lockedUntil);
    if (!evidence) throw walletProblems.required(methods);
    if (!methods.includes(evidence.type))
      throw walletProblems.notConfigured(evidence.type, methods);

    const max = this.config.walletVerificationMaxAttempts;
    const reservation = await this.repo.reserveAttempt(
      userId,
      max,
      this.config.walletVerificationLockoutSeconds,
    );
    if (!reservation.admitted) throw walletProblems.locked(reservation.lockedUntil);
    if (await this.check(userId, state, evidence)) {
      await this.repo.attemptSucceeded(userId);
      return;
    }
    const lockedUntil =
      reservation.attempt >= max
        ? await this.repo.lock(userId, this.config.walletVerificationLockoutSeconds)
        : null;
    throw walletProblems.failed(Math.max(0, max - reservation.attempt), lockedUntil);
  }

  private async check(
    userId: string,
    state: WalletVerificationState,
    evidence: WalletVerificationEvidence,
  ): Promise<boolean> {
    switch (evidence.type) {
      case 'pin':
        return /^\d{6}$/.test(evidence.code) && this.hasher.verify(evidence.code, state.pinHash);
      case 'backup-code':
        return this.repo.consumeBackupCode(userId, backupCodeHash(userId, evidence.code));
      case 'totp': {
        if (!state.totpSecret || !this.box) return false;
        const secret = this.openTotpSecret(state.totpSecret, userId);
        if (secret === null) return false;
        const step = await this.totpStep(secret, evidence.code, state.totpLastStep);
        return step !== null && this.repo.useTotpStep(userId, step);
      }
    }
  }

  /** The TOTP secret; null when it cannot be opened (e.g. the encryption key was replaced). */
  private openTotpSecret(sealed: string, userId: string): string | null {
    try {
      return this.box ? this.box.open(sealed, totpAad(userId)).toString('utf8') : null;
    } catch {
      return null;
    }
  }

  /** The RFC 6238 time step a code matches (±1 step of clock drift), after `afterStep`; null if none. */
  private async totpStep(
    secret: string,
    code: string,
    afterStep: number | null,
  ): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    try {
      const result = await verifyTotp({
        secret,
        token: code,
        epochTolerance: 30,
        ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
      });
      return result.valid && 'timeStep' in result ? result.timeStep : null;
    } catch {
      return null;
    }
  }

  /** Re-authentication with the user's password before a wallet-verification change (same attempt limits). */
  async verifyPassword(userId: string, passwordHash: string, password: string): Promise<void> {
    const max = this.config.walletVerificationMaxAttempts;
    const reservation = await this.repo.reserveAttempt(
      userId,
      max,
      this.config.walletVerificationLockoutSeconds,
    );
    if (!reservation.admitted) throw walletProblems.locked(reservation.lockedUntil);
    if (await this.hasher.verify(password, passwordHash)) {
      await this.repo.attemptSucceeded(userId);
      return;
    }
    const lockedUntil =
      reservation.attempt >= max
        ? await this.repo.lock(userId, this.config.walletVerificationLockoutSeconds)
        : null;
    throw walletProblems.failed(Math.max(0, max - reservation.attempt), lockedUntil);
  }

  async status(userId: string): Promise<WalletVerificationStatus> {
    const s = await this.repo.state(userId);
    return {
      methods: methodsOf(s),
      pin: { configured: s.pinHash !== null },
      totp: {
        configured: s.totpSecret !== null,
        pendingConfirmation: s.totpPendingSecret !== null,
      },
      backupCodes: { remaining: s.backupCodesRemaining },
      lockedUntil:
        s.lockedUntil && s.lockedUntil.getTime() > Date.now() ? s.lockedUntil.toISOString() : null,
    };
  }

  async setPin(userId: string, pin: string): Promise<WalletVerificationStatus> {
    await this.repo.setPin(userId, await this.hasher.hash(pin));
    return this.status(userId);
  }

  /** A new TOTP secret, pending until confirmed with a code; returned once, stored sealed. */
  async startTotp(userId: string, label: string): Promise<{ secret: string; otpauthUri: string }> {
    if (!this.box) throw walletProblems.totpUnavailable();
    const secret = generateSecret();
    await this.repo.setPendingTotp(
      userId,
      this.box.seal(Buffer.from(secret, 'utf8'), totpAad(userId)),
    );
    return { secret, otpauthUri: generateURI({ issuer: TOTP_ISSUER, label, secret }) };
  }

  async confirmTotp(userId: string, code: string): Promise<WalletVerificationStatus> {
    if (!this.box) throw walletProblems.totpUnavailable();
    const state = await this.repo.state(userId);
    if (!state.totpPendingSecret) throw walletProblems.notConfigured('totp', methodsOf(state));
    const max = this.config.walletVerificationMaxAttempts;
    const reservation = await this.repo.reserveAttempt(
      userId,
      max,
      this.config.walletVerificationLockoutSeconds,
    );
    if (!reservation.admitted) throw walletProblems.locked(reservation.lockedUntil);
    const secret = this.openTotpSecret(state.totpPendingSecret, userId);
    const step = secret === null ? null : await this.totpStep(secret, code, null);
    if (step !== null && (await this.repo.confirmTotp(userId, state.totpPendingSecret, step))) {
      await this.repo.attemptSucceeded(userId);
      return this.status(userId);
    }
    const lockedUntil =
      reservation.attempt >= max
        ? await this.repo.lock(userId, this.config.walletVerificationLockoutSeconds)
        : null;
    throw walletProblems.failed(Math.max(0, max - reservation.attempt), lockedUntil);
  }

  /** Ten new backup codes (the old ones stop working); returned once, stored hashed. */
  async newBackupCodes(userId: string): Promise<{ codes: string[] }> {
    const codes = generateBackupCodes();
    await this.repo.replaceBackupCodes(
      userId,
      codes.map((c) => backupCodeHash(userId, c)),
    );
    return { codes };
  }

  async remove(
    userId: string,
    method: WalletVerificationMethod,
  ): Promise<WalletVerificationStatus> {
    if (method === 'pin') await this.repo.setPin(userId, null);
    else if (method === 'totp') await this.repo.removeTotp(userId);
    else await this.repo.removeBackupCodes(userId);
    return this.status(userId);
  }
}
