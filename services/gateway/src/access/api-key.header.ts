import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/**
 * What a caller presented: an API key (`X-Api-Key`) or a user session's access
 * token (`Authorization: Bearer <token>`). Checked by request controls, never logged.
 */
export interface Credentials {
  readonly apiKey?: string;
  readonly bearer?: string;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The credentials of a request (either header; request controls refuses both at once). */
export function credentialsOf(req: IncomingMessage): Credentials {
  const apiKey = header(req, 'x-api-key');
  const authorization = header(req, 'authorization');
  const bearer = authorization ? /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
  return {
    ...(apiKey !== undefined ? { apiKey } : {}),
    ...(bearer !== undefined ? { bearer } : {}),
  };
}

/** The presented credentials (see {@link Credentials}). */
export const PresentedCredentials = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Credentials =>
    credentialsOf(ctx.switchToHttp().getRequest<IncomingMessage>()),
);

/**
 * Historic name of {@link PresentedCredentials}: the value is the request's
 * {@link Credentials} (API key or bearer token); pass it on to
 * `RequestControlsRepository` unchanged.
 */
export const PresentedApiKey = PresentedCredentials;
