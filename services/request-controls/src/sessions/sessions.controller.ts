import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { type Principal, validateOrThrow } from '@keel/operations';
import { AuthenticatePrincipalUseCase } from './authenticate-principal.usecase';
import { credentialsSchema, loginRequestSchema, refreshRequestSchema } from './sessions.schemas';
import { type SessionTokens, SessionsUseCase } from './sessions.usecase';

/** Internal API for the gateway: login, refresh, logout, and who the session is. */
@Controller('internal/v1/sessions')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsUseCase,
    private readonly authenticate: AuthenticatePrincipalUseCase,
  ) {}

  @Post()
  @HttpCode(201)
  login(@Body() body: unknown): Promise<SessionTokens> {
    return this.sessions.login(validateOrThrow(loginRequestSchema, body ?? null, 'login request'));
  }

  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: unknown): Promise<SessionTokens> {
    const { refreshToken } = validateOrThrow(refreshRequestSchema, body ?? null, 'refresh request');
    return this.sessions.refresh(refreshToken);
  }

  @Post('revoke')
  @HttpCode(200)
  async revoke(@Body() body: unknown): Promise<{ revoked: true }> {
    const { bearer } = validateOrThrow(credentialsSchema, body ?? null, 'logout request');
    await this.sessions.logout(bearer);
    return { revoked: true };
  }

  @Post('current')
  @HttpCode(200)
  current(@Body() body: unknown): Promise<Principal> {
    return this.authenticate.execute(validateOrThrow(credentialsSchema, body ?? null, 'request'));
  }
}
