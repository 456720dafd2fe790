import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import {
  gasSettingsRequestSchema,
  gasSettingsViewSchema,
  operationListSchema,
  operationParamSchemas,
  operationTypes,
  operationViewSchema,
  problemSchema,
  simulateTransferRequestSchema,
  simulateTransferResultSchema,
} from '@keel/operations';
import { z } from 'zod';
import { readSchemas } from '../reads/read-schemas';
import { sessionSchemas } from '../sessions/openapi-schemas';

type SchemaObject = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): SchemaObject {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  }) as SchemaObject;
  return rest;
}

/** The OpenAPI document; request and response schemas come from the same zod schemas that validate. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Keel API')
    .setDescription(
      'Operations on tokenized assets through the verified signing flow. Every error uses the problem envelope.',
    )
    .setVersion('1')
    .addServer('/api/v1')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'apiKey')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'a user session (POST /sessions)' },
      'bearer',
    )
    .build();
  const doc = SwaggerModule.createDocument(app, config, { ignoreGlobalPrefix: true });
  const requestVariants = operationTypes.map((type) => ({
    type: 'object',
    required: ['type', 'params'],
    additionalProperties: false,
    properties: {
      type: { const: type },
      params: jsonSchema(operationParamSchemas[type]),
      signer: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' },
      walletVerification: { $ref: '#/components/schemas/WalletVerificationEvidence' },
    },
  }));
  doc.components = {
    ...doc.components,
    schemas: {
      ...doc.components?.schemas,
      OperationRequest: { oneOf: requestVariants } as SchemaObject,
      SubmittedOperation: {
        type: 'object',
        properties: {
          operationId: { type: 'string' },
          status: { const: 'RECEIVED' },
          statusUrl: { type: 'string' },
        },
      } as SchemaObject,
      Operation: jsonSchema(operationViewSchema),
      OperationList: jsonSchema(operationListSchema),
      Problem: jsonSchema(problemSchema),
      GasSettingsRequest: jsonSchema(gasSettingsRequestSchema),
      GasSettings: jsonSchema(gasSettingsViewSchema),
      SimulateTransferRequest: jsonSchema(simulateTransferRequestSchema),
      SimulateTransferResult: jsonSchema(simulateTransferResultSchema),
      ...readSchemas,
      ...sessionSchemas,
    },
  };
  return doc;
}

export function mountOpenApi(app: INestApplication): void {
  const doc = buildOpenApiDocument(app);
  const body = JSON.stringify(doc);
  const http = app.getHttpAdapter();
  http.get(
    '/api/v1/openapi.json',
    (_req: unknown, res: { type(t: string): { send(b: string): void } }) => {
      res.type('application/json').send(body);
    },
  );
}
