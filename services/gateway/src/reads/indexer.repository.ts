import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import type { GatewayConfig } from '../config';
import { CONFIG } from '../tokens';

/** The only code calling the indexer's read API (its answers carry `asOf`, kept as is). */
@Injectable()
export class IndexerRepository {
  constructor(@Inject(CONFIG) private readonly config: GatewayConfig) {}

  read<T>(path: string, query: URLSearchParams): Promise<T> {
    const qs = query.toString();
    return callService(this.config.indexerUrl, `/api/v1${path}${qs ? `?${qs}` : ''}`, {
      timeoutMs: 10_000,
    });
  }
}
