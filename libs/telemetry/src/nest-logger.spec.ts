import { Writable } from 'node:stream';
import { Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';
import { NestLogger } from './nest-logger';

function setup() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _e, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = createLogger({ service: 'gateway', level: 'trace', destination });
  const records = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, nest: new NestLogger(logger), records, raw: () => lines.join('') };
}

describe('NestLogger', () => {
  it('maps Nest levels to pino levels and the last string argument to context', () => {
    const { nest, records } = setup();
    nest.log('Mapped {/v1/operations, POST} route', 'RouterExplorer');
    nest.warn('slow consumer');
    nest.debug('detail', 'Bus');
    nest.verbose('very detailed', 'Bus');
    nest.fatal('cannot start', 'Bootstrap');
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'Mapped {/v1/operations, POST} route',
        context: 'RouterExplorer',
        service: 'gateway',
      }),
      expect.objectContaining({ level: 'warn', msg: 'slow consumer' }),
      expect.objectContaining({ level: 'debug', context: 'Bus' }),
      expect.objectContaining({ level: 'trace', msg: 'very detailed' }),
      expect.objectContaining({ level: 'fatal', context: 'Bootstrap' }),
    ]);
  });

  it('reads error(message, stack, context) as Nest calls it', () => {
    const { nest, records } = setup();
    const stack = new Error('boom').stack!;
    nest.error('Unhandled exception', stack, 'ExceptionsHandler');
    nest.error('no stack', 'ExceptionsHandler');
    nest.error('only a stack', stack);
    const [withStack, withContext, onlyStack] = records();
    expect(withStack).toMatchObject({
      level: 'error',
      msg: 'Unhandled exception',
      context: 'ExceptionsHandler',
      err: { message: 'Unhandled exception', stack },
    });
    expect(withContext).toMatchObject({ msg: 'no stack', context: 'ExceptionsHandler' });
    expect(withContext).not.toHaveProperty('err');
    expect(onlyStack).toMatchObject({ err: { stack } });
    expect(onlyStack).not.toHaveProperty('context');
  });

  it('logs Error objects and structured messages through the same redaction', () => {
    const { nest, records, raw } = setup();
    nest.error(Object.assign(new Error('rejected'), { apiKeySecret: 'nest-secret-1' }), 'Guard');
    nest.log({ event: 'login', credentials: { password: 'nest-secret-2' } }, 'Auth');
    expect(raw()).not.toContain('nest-secret');
    const [err, structured] = records();
    expect(err).toMatchObject({ msg: 'rejected', context: 'Guard', err: { type: 'Error' } });
    expect(structured).toMatchObject({ event: 'login', context: 'Auth' });
  });

  it('applies setLogLevels to its own child logger only', () => {
    const { logger, nest, records } = setup();
    nest.setLogLevels(['warn', 'error']);
    nest.log('hidden');
    nest.warn('shown');
    logger.info('app logger unaffected');
    nest.setLogLevels([]);
    nest.error('silenced');
    expect(records().map((r) => r['msg'])).toEqual(['shown', 'app logger unaffected']);
  });

  it('serves as the logger of a Nest application', async () => {
    @Injectable()
    class Greeter implements OnModuleInit {
      private readonly log = new Logger(Greeter.name);
      onModuleInit() {
        this.log.log({ msg: 'greeter ready', apiKey: 'nest-secret-3' });
      }
    }
    @Module({ providers: [Greeter] })
    class AppModule {}

    const { nest, records, raw } = setup();
    const app = await NestFactory.createApplicationContext(AppModule, { logger: nest });
    await app.close();
    expect(raw()).not.toContain('nest-secret-3');
    expect(records()).toContainEqual(
      expect.objectContaining({ level: 'info', context: 'InstanceLoader', service: 'gateway' }),
    );
    expect(records()).toContainEqual(
      expect.objectContaining({ msg: 'greeter ready', context: 'Greeter', apiKey: '[REDACTED]' }),
    );
  });
});
