import { Body, Controller, Delete, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type Credentials, PresentedCredentials } from '../access/api-key.header';
import { RequestControlsRepository } from '../access/request-controls.repository';

const problem = { schema: { $ref: '#/components/schemas/Problem' } };

/** Password login, token refresh (rotation) and logout of users. */
@ApiTags('sessions')
@Controller('sessions')
export class SessionsController {
  constructor(private readonly requestControls: RequestControlsRepository) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Log in with organization, email and password; returns a bearer access token (short-lived) and a refresh token, each shown once.',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/LoginRequest' } })
  @ApiResponse({ status: 201, schema: { $ref: '#/components/schemas/SessionTokens' } })
  @ApiResponse({
    status: 401,
    description: 'LOGIN_FAILED (same answer for any wrong part)',
    ...problem,
  })
  @ApiResponse({
    status: 429,
    description:
      'LOGIN_LOCKED: too many failed logins for this organization and email (KEEL_LOGIN_MAX_ATTEMPTS in a row); Retry-After and details.retryAfterSeconds say when to try again',
    ...problem,
  })
  @ApiResponse({ status: 422, description: 'Invalid request', ...problem })
  login(@Body() body: unknown): Promise<Record<string, unknown>> {
    return this.requestControls.login(body);
  }

  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'New tokens for a refresh token; the old refresh and access tokens stop working (a reused refresh token ends the session).',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/RefreshRequest' } })
  @ApiResponse({ status: 200, schema: { $ref: '#/components/schemas/SessionTokens' } })
  @ApiResponse({ status: 401, description: 'REFRESH_FAILED', ...problem })
  refresh(@Body() body: unknown): Promise<Record<string, unknown>> {
    return this.requestControls.refreshSession(body);
  }

  @Delete('current')
  @HttpCode(200)
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'Log out: the session (access and refresh token) is revoked.' })
  @ApiResponse({
    status: 200,
    schema: { type: 'object', properties: { revoked: { type: 'boolean', enum: [true] } } },
  })
  @ApiResponse({ status: 401, ...problem })
  logout(@PresentedCredentials() credentials: Credentials): Promise<Record<string, unknown>> {
    return this.requestControls.logout({
      ...(credentials.bearer ? { bearer: credentials.bearer } : {}),
    });
  }
}
