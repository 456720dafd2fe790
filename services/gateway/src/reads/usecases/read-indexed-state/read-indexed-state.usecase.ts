import { Injectable } from '@nestjs/common';
import { validateOrThrow } from '@keel/operations';
import { z } from 'zod';
import { RequestControlsRepository } from '../../../access/request-controls.repository';
import { IndexerRepository } from '../../indexer.repository';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');

/** Which read, its path parameter, and the query keys the indexer understands for it. */
export type IndexedRead =
  | { readonly kind: 'assets' }
  | { readonly kind: 'asset'; readonly address: string }
  | { readonly kind: 'holders'; readonly address: string }
  | { readonly kind: 'identity'; readonly wallet: string };

const QUERY_KEYS: Record<IndexedRead['kind'], readonly string[]> = {
  assets: ['chainId', 'minBlock', 'limit', 'cursor'],
  asset: ['chainId', 'minBlock'],
  holders: [
    'chainId',
    'minBlock',
    'limit',
    'cursor',
    'sort',
    'order',
    'minBalance',
    'frozen',
    'includeZero',
  ],
  identity: ['chainId', 'minBlock'],
};

/**
 * A read of the indexed chain state for an authenticated caller. The indexer
 * validates the filters (its 422 reaches the caller unchanged) and states in
 * `asOf` the block the answer reflects. With `minBlock` the indexer holds the
 * read until it has applied that block, or answers 503 INDEXER_BEHIND (passed
 * on unchanged, with Retry-After).
 */
@Injectable()
export class ReadIndexedStateUseCase {
  constructor(
    private readonly requestControls: RequestControlsRepository,
    private readonly indexer: IndexerRepository,
  ) {}

  async execute<T>(apiKey: string | undefined, read: IndexedRead, query: unknown): Promise<T> {
    await this.requestControls.authenticate(apiKey);
    const q = new URLSearchParams();
    const given = (query ?? {}) as Record<string, unknown>;
    for (const key of QUERY_KEYS[read.kind]) {
      const value = given[key];
      if (typeof value === 'string') q.set(key, value);
    }
    switch (read.kind) {
      case 'assets':
        return this.indexer.read('/assets', q);
      case 'asset':
        validateOrThrow(address, read.address, 'address');
        return this.indexer.read(`/assets/${read.address}`, q);
      case 'holders':
        validateOrThrow(address, read.address, 'address');
        return this.indexer.read(`/assets/${read.address}/holders`, q);
      case 'identity':
        validateOrThrow(address, read.wallet, 'wallet');
        return this.indexer.read(`/identities/${read.wallet}`, q);
    }
  }
}
