import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { type EventBus, KeelBusTransport } from '@keel/bus';
import { internalTokenMiddleware, ProblemFilter, useInternalToken } from '@keel/http-problem';
import { type Logger, NestLogger } from '@keel/telemetry';
import { jsonBodyParser } from './json-body';

export interface RunServiceOptions {
  readonly name: string;
  readonly module: DynamicModule;
  readonly logger: Logger;
  /** The bus and consumer group, when the service consumes topics. */
  readonly bus?: EventBus;
  readonly consumes?: boolean;
  readonly http: { readonly port: number; readonly host: string; readonly bodyLimitBytes?: number };
  /**
   * KEEL_INTERNAL_TOKEN: required on every `/internal` route of this service and
   * sent by callService on the calls it makes to the others.
   */
  readonly internalToken: string;
  /** Called with the app before it listens (e.g. to mount OpenAPI). */
  readonly configure?: (app: INestApplication) => void | Promise<void>;
}

export interface RunningService {
  readonly app: INestApplication;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts one Keel service: an HTTP app (API or internal API, health) with the
 * problem envelope everywhere, plus the bus consumer (Nest microservice over
 * KeelBusTransport) when the service consumes topics.
 */
export async function runService(options: RunServiceOptions): Promise<RunningService> {
  const app = await NestFactory.create<NestExpressApplication>(options.module, {
    logger: new NestLogger(options.logger),
    bodyParser: false,
    abortOnError: false,
  });
  // Before body parsing: an unauthenticated internal request is refused without reading its body.
  app.use('/internal', internalTokenMiddleware(options.internalToken));
  useInternalToken(options.internalToken);
  app.use(jsonBodyParser(options.http.bodyLimitBytes ?? 256 * 1024));
  app.useGlobalFilters(new ProblemFilter(options.logger));
  // No Nest shutdown hooks: runServiceMain owns SIGTERM/SIGINT (closes the whole service,
  // relay and database included, then flushes telemetry); Nest's hook would re-raise the
  // signal after closing only the app and kill the process before the flush.
  if (options.configure) await options.configure(app);
  if (options.bus && options.consumes) {
    app.connectMicroservice({
      strategy: new KeelBusTransport({ bus: options.bus, group: options.name }),
    });
    await app.startAllMicroservices();
  }
  await app.listen(options.http.port, options.http.host);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  options.logger.info({ url }, `${options.name} listening`);
  return {
    app,
    url,
    close: async () => {
      await app.close();
      await options.bus?.close();
    },
  };
}
