import type { ServerResponse } from 'node:http';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { type Credentials, PresentedCredentials } from '../access/api-key.header';
import { CustodyWalletsUseCase } from './usecases/custody-wallets/custody-wallets.usecase';
import { DecideApprovalUseCase } from './usecases/decide-approval/decide-approval.usecase';
import { ReadApprovalsUseCase } from './usecases/read-approvals/read-approvals.usecase';
import { WalletPolicyUseCase } from './usecases/wallet-policy/wallet-policy.usecase';

@ApiTags('approvals')
@ApiSecurity('apiKey')
@Controller('approvals')
export class ApprovalsController {
  constructor(
    private readonly read: ReadApprovalsUseCase,
    private readonly decide: DecideApprovalUseCase,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Approvals naming the caller as an approver (?status=pending): decoded operation, asset, amount, destination, who decided, deadline.',
  })
  list(@PresentedCredentials() credentials: Credentials, @Query() query: unknown) {
    return this.read.list(credentials, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One approval with its decisions and append-only audit trail.' })
  get(@PresentedCredentials() credentials: Credentials, @Param('id') id: string) {
    return this.read.get(credentials, id);
  }

  @Post(':id/decisions')
  @ApiOperation({
    summary:
      'Decide {decision: approve|reject, comment}. 201 recorded; 200 when this approver had already decided (the first decision stands); 409 once settled.',
  })
  @ApiBody({
    schema: {
      type: 'object',
      required: ['decision'],
      properties: {
        decision: { type: 'string', enum: ['approve', 'reject'] },
        comment: { type: 'string', maxLength: 1000 },
        walletVerification: {
          type: 'object',
          description: 'user sessions: {type: pin|totp|backup-code, code}; API keys skip it',
        },
      },
    },
  })
  @ApiResponse({ status: 201, description: 'decision recorded' })
  @ApiResponse({ status: 200, description: 'this approver had already decided' })
  async decideOn(
    @PresentedCredentials() credentials: Credentials,
    @Param('id') id: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: ServerResponse,
  ) {
    const result = await this.decide.execute(credentials, id, body);
    res.statusCode = result.recorded ? 201 : 200;
    return result;
  }
}

@ApiTags('approvals')
@ApiSecurity('apiKey')
@Controller('wallets/:address/policy')
export class WalletPolicyController {
  constructor(private readonly policies: WalletPolicyUseCase) {}

  @Put()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Set a wallet's custodian policy (admin): amountLimits, rollingLimits, destinationAllowlist, timeWindows (UTC), quorum {approvers, required, timeoutSeconds}; each rule's onBreach is block or require-approval.",
  })
  put(
    @PresentedCredentials() credentials: Credentials,
    @Param('address') address: string,
    @Body() body: unknown,
  ) {
    return this.policies.put(credentials, address, body);
  }

  @Get()
  @ApiOperation({ summary: "A wallet's custodian policy (admin)." })
  get(@PresentedCredentials() credentials: Credentials, @Param('address') address: string) {
    return this.policies.get(credentials, address);
  }
}

@ApiTags('wallets')
@ApiSecurity('apiKey')
@Controller('wallets')
export class CustodyWalletsController {
  constructor(private readonly wallets: CustodyWalletsUseCase) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Create a custodied signer wallet for the organization (admin): key-guardian generates and keeps the key; the answer carries the address, never key material.',
  })
  @ApiBody({
    schema: { type: 'object', properties: { label: { type: 'string', maxLength: 200 } } },
  })
  create(@PresentedCredentials() credentials: Credentials, @Body() body: unknown) {
    return this.wallets.create(credentials, body);
  }

  @Get()
  @ApiOperation({ summary: "The organization's custodied signer wallets (addresses and labels)." })
  list(@PresentedCredentials() credentials: Credentials) {
    return this.wallets.list(credentials);
  }
}
