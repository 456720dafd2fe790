import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiOperation,
  ApiResponse,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import { type Credentials, PresentedCredentials } from '../access/api-key.header';
import { RequestControlsRepository } from '../access/request-controls.repository';

const problem = { schema: { $ref: '#/components/schemas/Problem' } };
const user = { schema: { $ref: '#/components/schemas/User' } };

/** User management by organization admins (an admin API key or an admin user). */
@ApiTags('users')
@ApiSecurity('apiKey')
@ApiBearerAuth('bearer')
@Controller('users')
export class UsersController {
  constructor(private readonly requestControls: RequestControlsRepository) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a user of the organization with a password and roles.' })
  @ApiBody({ schema: { $ref: '#/components/schemas/CreateUserRequest' } })
  @ApiResponse({ status: 201, ...user })
  @ApiResponse({ status: 403, description: 'Not an admin', ...problem })
  @ApiResponse({ status: 409, description: 'USER_EXISTS', ...problem })
  @ApiResponse({ status: 422, ...problem })
  create(
    @PresentedCredentials() credentials: Credentials,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.createUser(credentials, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the users of the organization (never their passwords).' })
  @ApiResponse({
    status: 200,
    schema: { type: 'object', properties: { items: { type: 'array', items: user.schema } } },
  })
  list(@PresentedCredentials() credentials: Credentials): Promise<{ items: unknown[] }> {
    return this.requestControls.listUsers(credentials);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One user; a user of another organization answers 404 like a missing one.',
  })
  @ApiResponse({ status: 200, ...user })
  @ApiResponse({ status: 404, ...problem })
  get(
    @PresentedCredentials() credentials: Credentials,
    @Param('id') id: string,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.getUser(credentials, id);
  }

  @Patch(':id')
  @ApiOperation({
    summary:
      "Change roles, display name or password, or disable/enable; disabling or a new password ends the user's sessions.",
  })
  @ApiBody({ schema: { $ref: '#/components/schemas/UpdateUserRequest' } })
  @ApiResponse({ status: 200, ...user })
  @ApiResponse({ status: 404, ...problem })
  @ApiResponse({ status: 422, ...problem })
  update(
    @PresentedCredentials() credentials: Credentials,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.updateUser(credentials, id, body);
  }

  @Delete(':id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Delete a user with its sessions and wallet verification.' })
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      properties: { id: { type: 'string' }, deleted: { type: 'boolean', enum: [true] } },
    },
  })
  @ApiResponse({ status: 404, ...problem })
  delete(
    @PresentedCredentials() credentials: Credentials,
    @Param('id') id: string,
  ): Promise<Record<string, unknown>> {
    return this.requestControls.deleteUser(credentials, id);
  }
}
