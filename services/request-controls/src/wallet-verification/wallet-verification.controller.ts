import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type Principal, validateOrThrow } from '@keel/operations';
import type { z } from 'zod';
import { AuthenticatePrincipalUseCase } from '../sessions/authenticate-principal.usecase';
import { sessionProblems } from '../sessions/session-problems';
import { UserRepository } from '../users/user.repository';
import {
  checkRequestSchema,
  confirmTotpRequestSchema,
  passwordRequestSchema,
  removeMethodRequestSchema,
  setPinRequestSchema,
  statusRequestSchema,
} from './wallet-verification.schemas';
import {
  type WalletVerificationStatus,
  WalletVerificationService,
} from './wallet-verification.service';

/**
 * Internal API for the gateway: a user's wallet-verification setup
 * (`/api/v1/me/wallet-verification`) and the check other services use before
 * a write (`walletVerification` evidence; API keys pass).
 */
@Controller('internal/v1')
export class WalletVerificationController {
  constructor(
    private readonly authenticate: AuthenticatePrincipalUseCase,
    private readonly wallet: WalletVerificationService,
    private readonly users: UserRepository,
  ) {}

  /** The calling user; changes also need the user's password. */
  private async me<S extends z.ZodType<{ apiKey?: string; bearer?: string; password?: string }>>(
    schema: S,
    body: unknown,
  ): Promise<{
    request: z.infer<S>;
    user: NonNullable<Awaited<ReturnType<UserRepository['findById']>>>;
  }> {
    const request = validateOrThrow<S>(schema, body ?? null, 'request');
    const principal = await this.authenticate.execute({
      apiKey: request.apiKey,
      bearer: request.bearer,
    });
    if (principal.kind !== 'session') throw sessionProblems.usersOnly();
    const user = await this.users.findById(principal.organizationId, principal.userId!);
    if (!user) throw sessionProblems.unauthenticated('The user of this session no longer exists.');
    if (request.password !== undefined)
      await this.wallet.verifyPassword(user.id, user.passwordHash, request.password);
    return { request, user };
  }

  @Post('me/wallet-verification/status')
  @HttpCode(200)
  async status(@Body() body: unknown): Promise<WalletVerificationStatus> {
    const { user } = await this.me(statusRequestSchema, body);
    return this.wallet.status(user.id);
  }

  @Post('me/wallet-verification/pin')
  @HttpCode(200)
  async setPin(@Body() body: unknown): Promise<WalletVerificationStatus> {
    const { request, user } = await this.me(setPinRequestSchema, body);
    return this.wallet.setPin(user.id, request.pin);
  }

  @Post('me/wallet-verification/totp')
  @HttpCode(201)
  async startTotp(@Body() body: unknown): Promise<{ secret: string; otpauthUri: string }> {
    const { user } = await this.me(passwordRequestSchema, body);
    return this.wallet.startTotp(user.id, user.email);
  }

  @Post('me/wallet-verification/totp/confirm')
  @HttpCode(200)
  async confirmTotp(@Body() body: unknown): Promise<WalletVerificationStatus> {
    const { request, user } = await this.me(confirmTotpRequestSchema, body);
    return this.wallet.confirmTotp(user.id, request.code);
  }

  @Post('me/wallet-verification/backup-codes')
  @HttpCode(201)
  async backupCodes(@Body() body: unknown): Promise<{ codes: string[] }> {
    const { user } = await this.me(passwordRequestSchema, body);
    return this.wallet.newBackupCodes(user.id);
  }

  @Post('me/wallet-verification/remove')
  @HttpCode(200)
  async remove(@Body() body: unknown): Promise<WalletVerificationStatus> {
    const { request, user } = await this.me(removeMethodRequestSchema, body);
    return this.wallet.remove(user.id, request.method);
  }

  /** 200 `{principal}` when the caller may write: an API key, or a session with valid evidence. */
  @Post('wallet-verification/check')
  @HttpCode(200)
  async check(@Body() body: unknown): Promise<{ principal: Principal }> {
    const { walletVerification, ...credentials } = validateOrThrow(
      checkRequestSchema,
      body ?? null,
      'wallet verification check',
    );
    const principal = await this.authenticate.execute(credentials);
    await this.wallet.verify(principal, walletVerification);
    return { principal };
  }
}
