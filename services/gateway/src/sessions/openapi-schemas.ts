import { platformRoles } from '@keel/operations';

type SchemaObject = Record<string, unknown>;

const roles = { type: 'array', items: { enum: [...platformRoles] }, minItems: 1 };
const password = { type: 'string', minLength: 12, maxLength: 1024 };
const status: SchemaObject = {
  type: 'object',
  properties: {
    methods: { type: 'array', items: { enum: ['pin', 'totp', 'backup-code'] } },
    pin: { type: 'object', properties: { configured: { type: 'boolean' } } },
    totp: {
      type: 'object',
      properties: { configured: { type: 'boolean' }, pendingConfirmation: { type: 'boolean' } },
    },
    backupCodes: { type: 'object', properties: { remaining: { type: 'integer' } } },
    lockedUntil: { type: ['string', 'null'], format: 'date-time' },
  },
};

/** OpenAPI components of sessions, users and wallet verification. */
export const sessionSchemas: Record<string, SchemaObject> = {
  LoginRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['organization', 'email', 'password'],
    properties: {
      organization: { type: 'string', description: 'organization id' },
      email: { type: 'string', format: 'email' },
      password: { type: 'string', maxLength: 1024 },
    },
  },
  RefreshRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['refreshToken'],
    properties: { refreshToken: { type: 'string' } },
  },
  SessionTokens: {
    type: 'object',
    properties: {
      tokenType: { const: 'Bearer' },
      accessToken: { type: 'string', description: 'send as Authorization: Bearer <accessToken>' },
      expiresIn: { type: 'integer', description: 'seconds' },
      expiresAt: { type: 'string', format: 'date-time' },
      refreshToken: { type: 'string', description: 'single use: each refresh returns a new one' },
      refreshExpiresAt: { type: 'string', format: 'date-time' },
      user: {
        type: 'object',
        properties: {
          id: { type: 'string' },
          organizationId: { type: 'string' },
          email: { type: 'string' },
          roles,
        },
      },
    },
  },
  User: {
    type: 'object',
    properties: {
      id: { type: 'string' },
      organizationId: { type: 'string' },
      email: { type: 'string' },
      displayName: { type: ['string', 'null'] },
      roles,
      disabled: { type: 'boolean' },
      createdAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
    },
  },
  CreateUserRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['email', 'password', 'roles'],
    properties: {
      email: { type: 'string', format: 'email' },
      password,
      roles,
      displayName: { type: 'string', maxLength: 200 },
    },
  },
  UpdateUserRequest: {
    type: 'object',
    additionalProperties: false,
    minProperties: 1,
    properties: {
      roles,
      disabled: { type: 'boolean' },
      displayName: { type: ['string', 'null'], maxLength: 200 },
      password,
    },
  },
  WalletVerificationStatus: status,
  SetPinRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['pin', 'password'],
    properties: { pin: { type: 'string', pattern: '^\\d{6}$' }, password: { type: 'string' } },
  },
  PasswordRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['password'],
    properties: { password: { type: 'string', description: "the user's password" } },
  },
  ConfirmTotpRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['code'],
    properties: { code: { type: 'string', pattern: '^\\d{6}$' } },
  },
  WalletVerificationEvidence: {
    type: 'object',
    additionalProperties: false,
    required: ['type', 'code'],
    description:
      'Required with writes by a user session (not API keys). Refusals: WALLET_VERIFICATION_REQUIRED (403), WALLET_VERIFICATION_NOT_CONFIGURED (403), WALLET_VERIFICATION_FAILED (401), WALLET_VERIFICATION_LOCKED (429, details.retryAfterSeconds).',
    properties: {
      type: { enum: ['pin', 'totp', 'backup-code'] },
      code: { type: 'string', maxLength: 64 },
    },
  },
};
