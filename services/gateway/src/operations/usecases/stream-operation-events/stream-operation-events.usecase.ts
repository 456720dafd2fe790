import type { ServerResponse } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { isTerminalStatus, type OperationView } from '@keel/operations';
import type { Logger } from '@keel/telemetry';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import type { GatewayConfig } from '../../../config';
import { CONFIG, LOGGER } from '../../../tokens';
import { ExecutionEngineRepository } from '../../execution-engine.repository';

function frame(event: string, id: string, data: unknown): string {
  return `event: ${event}\nid: ${id}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * `GET /api/v1/operations/{id}/events`: Server-Sent Events of the status
 * history, replayed from the start (or after `Last-Event-ID`), then live until
 * the operation is terminal or the client leaves.
 */
@Injectable()
export class StreamOperationEventsUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly engine: ExecutionEngineRepository,
    @Inject(CONFIG) private readonly config: GatewayConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** Authenticates and loads the operation; throws a problem before any byte is streamed. */
  async open(
    apiKey: string | undefined,
    id: string,
  ): Promise<{ organizationId: string; first: OperationView }> {
    const principal = await this.requestControls.authenticate(apiKey);
    const first = await this.engine.get(principal.organizationId, id);
    return { organizationId: principal.organizationId, first };
  }

  async stream(
    res: ServerResponse,
    organizationId: string,
    first: OperationView,
    lastEventId: number,
  ): Promise<void> {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    let sent = lastEventId;
    let view = first;
    for (;;) {
      for (const h of view.history) {
        if (h.sequence <= sent) continue;
        res.write(
          frame('status', String(h.sequence), { operationId: view.id, ...h, error: view.error }),
        );
        sent = h.sequence;
      }
      if (closed || isTerminalStatus(view.status)) break;
      await new Promise((r) => setTimeout(r, this.config.sseIntervalMs));
      if (closed) break;
      try {
        view = await this.engine.get(organizationId, first.id);
      } catch (err) {
        this.logger.warn({ err, operationId: first.id }, 'status stream lost the journal; closing');
        break;
      }
    }
    res.end();
  }
}
