import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';

/** The `X-Api-Key` header as presented (checked by request controls, never logged). */
export const PresentedApiKey = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): string | undefined => {
    const value = ctx.switchToHttp().getRequest<IncomingMessage>().headers['x-api-key'];
    return Array.isArray(value) ? value[0] : value;
  },
);
