import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { problems } from '@keel/operations';
import { type Credentials, PresentedCredentials } from '../access/api-key.header';
import { RequestControlsRepository } from '../access/request-controls.repository';

const problem = { schema: { $ref: '#/components/schemas/Problem' } };
const status = { schema: { $ref: '#/components/schemas/WalletVerificationStatus' } };
const methods = ['pin', 'totp', 'backup-code'] as const;

function objectBody(body: unknown): Record<string, unknown> {
  if (body === null || body === undefined) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw problems.validation('Invalid request', [
      { path: '(root)', message: 'must be a JSON object' },
    ]);
  }
  return body as Record<string, unknown>;
}

/**
 * The calling user's wallet verification (sessions only). Every change needs
 * the user's password; codes and secrets are shown once.
 */
@ApiTags('me')
@ApiBearerAuth('bearer')
@Controller('me/wallet-verification')
export class MeController {
  constructor(private readonly requestControls: RequestControlsRepository) {}

  @Get()
  @ApiOperation({ summary: 'Which wallet-verification methods are set up, and any lockout.' })
  @ApiResponse({ status: 200, ...status })
  @ApiResponse({
    status: 403,
    description: 'SESSION_REQUIRED (API keys have no wallet verification)',
    ...problem,
  })
  status(@PresentedCredentials() credentials: Credentials): Promise<Record<string, unknown>> {
    return this.requestControls.walletVerification(credentials, 'status');
  }

  @Put('pin')
  @ApiOperation({ summary: 'Set or change the 6-digit PIN (stored hashed).' })
  @ApiBody({ schema: { $ref: '#/components/schemas/SetPinRequest' } })
  @ApiResponse({ status: 200, ...status })
  @ApiResponse({
    status: 401,
    description: 'WALLET_VERIFICATION_FAILED (wrong password)',
    ...problem,
  })
  @ApiResponse({ status: 422, ...problem })
  setPin(
    @PresentedCredentials() credentials: Credentials,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.walletVerification(credentials, 'pin', objectBody(body));
  }

  @Post('totp')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Start TOTP (RFC 6238) setup: returns the secret and an otpauth:// URI once; it is active after confirmation.',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/PasswordRequest' } })
  @ApiResponse({
    status: 201,
    schema: {
      type: 'object',
      properties: { secret: { type: 'string' }, otpauthUri: { type: 'string' } },
    },
  })
  startTotp(
    @PresentedCredentials() credentials: Credentials,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.walletVerification(credentials, 'totp', objectBody(body));
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Activate the pending TOTP secret with a current code from the app.' })
  @ApiBody({ schema: { $ref: '#/components/schemas/ConfirmTotpRequest' } })
  @ApiResponse({ status: 200, ...status })
  @ApiResponse({ status: 401, description: 'WALLET_VERIFICATION_FAILED', ...problem })
  confirmTotp(
    @PresentedCredentials() credentials: Credentials,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.walletVerification(credentials, 'totp/confirm', objectBody(body));
  }

  @Post('backup-codes')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Ten new single-use backup codes, shown once (earlier codes stop working).',
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/PasswordRequest' } })
  @ApiResponse({
    status: 201,
    schema: { type: 'object', properties: { codes: { type: 'array', items: { type: 'string' } } } },
  })
  backupCodes(
    @PresentedCredentials() credentials: Credentials,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.walletVerification(credentials, 'backup-codes', objectBody(body));
  }

  @Delete(':method')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Remove a method (pin, totp or backup-code). Setting a method needs the password; removing one does not, as it only makes writes harder.',
  })
  @ApiResponse({ status: 200, ...status })
  @ApiResponse({ status: 422, ...problem })
  remove(
    @PresentedCredentials() credentials: Credentials,
    @Param('method') method: string,
  ): Promise<Record<string, unknown>> {
    if (!(methods as readonly string[]).includes(method)) {
      throw problems.validation('Unknown wallet-verification method', [
        { path: 'method', message: `must be one of ${methods.join(', ')}` },
      ]);
    }
    return this.requestControls.walletVerification(credentials, 'remove', { method });
  }
}
