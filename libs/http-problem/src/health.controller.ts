import { Controller, Get, HttpCode } from '@nestjs/common';

/** Liveness and readiness of a Keel service (`/health/live`, `/health/ready`). */
@Controller('health')
export class HealthController {
  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HttpCode(200)
  ready(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
