import { describe, expect, it } from 'vitest';
import { catalog, deadLetterTopicOf, isTopicName, type SelectorOf, topicNames } from './catalog';
import {
  createEvent,
  decodeEvent,
  encodeEvent,
  EventValidationError,
  partitionKeyOf,
  selectorsOf,
  validateEvent,
} from './event';

const meta = { organizationId: 'org-1', correlationId: 'op-1' };

describe('catalog', () => {
  it('names every topic keel.<type>.v<version>, matching its definition', () => {
    expect(topicNames.length).toBeGreaterThanOrEqual(14);
    for (const name of topicNames) {
      const def = catalog[name];
      expect(name).toBe(`keel.${def.type}.v${def.version}`);
    }
  });

  it('covers the topics of the architecture service table', () => {
    for (const t of [
      'operation.submitted',
      'operation.accepted',
      'operation.rejected',
      'operation.status',
      'compliance.requested',
      'compliance.result',
      'signature.requested',
      'signature.result',
      'key.sign.requested',
      'key.sign.result',
      'broadcast.requested',
      'receipt',
      'chain.logs',
      'ingress.operations',
      'ingress.status',
    ]) {
      expect(isTopicName(`keel.${t}.v1`)).toBe(true);
    }
    expect(isTopicName('keel.nope.v1')).toBe(false);
    expect(deadLetterTopicOf('keel.receipt.v1')).toBe('keel.receipt.v1.dlq');
  });
});

describe('events', () => {
  it('creates a validated envelope with a UUIDv7 id, time-ordered', () => {
    const a = createEvent(
      'keel.operation.rejected.v1',
      {
        operationId: 'op-1',
        error: { code: 'x', message: 'y' },
        rejectedAt: new Date().toISOString(),
      },
      meta,
    );
    const b = createEvent(
      'keel.operation.rejected.v1',
      {
        operationId: 'op-1',
        error: { code: 'x', message: 'y' },
        rejectedAt: new Date().toISOString(),
      },
      { ...meta, causationId: a.id },
    );
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab]/);
    expect(b.id > a.id).toBe(true);
    expect(a).toMatchObject({
      type: 'operation.rejected',
      version: 1,
      causationId: null,
      traceparent: null,
      ...meta,
    });
    expect(b.causationId).toBe(a.id);
  });

  it('refuses an invalid payload with every issue and its path', () => {
    let err: unknown;
    try {
      createEvent(
        'keel.broadcast.requested.v1',
        {
          operationId: 'op',
          transactionIndex: -1,
          chainId: 1,
          from: '0x12',
          nonce: '01',
          rawTransaction: '0xzz',
          hash: '0x00',
        },
        meta,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EventValidationError);
    const issues = (err as EventValidationError).issues.join('\n');
    for (const path of ['transactionIndex', 'from', 'nonce', 'rawTransaction', 'hash'])
      expect(issues).toContain(path);
  });

  it('round-trips through the wire encoding and rejects what does not belong', () => {
    const e = createEvent(
      'keel.chain.logs.v1',
      {
        chainId: 31337,
        blockNumber: '12',
        blockHash: `0x${'ab'.repeat(32)}`,
        removed: false,
        logs: [],
      },
      meta,
    );
    expect(decodeEvent('keel.chain.logs.v1', encodeEvent(e))).toEqual(e);
    expect(partitionKeyOf('keel.chain.logs.v1', e)).toBe('31337');
    expect(() => decodeEvent('keel.chain.logs.v1', '{')).toThrow(/encoding.*not JSON/);
    expect(() => decodeEvent('keel.chain.logs.v1', null)).toThrow(/no value/);
    // The right envelope on the wrong topic.
    expect(() => decodeEvent('keel.receipt.v1', encodeEvent(e))).toThrow(
      /does not belong on keel.receipt.v1/,
    );
    expect(() => validateEvent('keel.chain.logs.v1', { ...e, id: 'not-a-uuid' })).toThrow(
      /envelope.*id/,
    );
  });

  it('tolerates unknown payload fields (additive evolution) and strips them', () => {
    const e = createEvent(
      'keel.operation.rejected.v1',
      {
        operationId: 'op-1',
        error: { code: 'x', message: 'y' },
        rejectedAt: new Date().toISOString(),
      },
      meta,
    );
    const newer = { ...e, payload: { ...e.payload, addedLater: 'ok' } };
    const parsed = decodeEvent('keel.operation.rejected.v1', JSON.stringify(newer));
    expect(parsed.payload).toEqual(e.payload);
  });

  it('types signature results as a discriminated union', () => {
    const e = createEvent(
      'keel.signature.result.v1',
      {
        outcome: 'failed',
        operationId: 'op-1',
        transactionIndex: 0,
        error: { code: 'SIGNING_FAILED', message: 'custody timeout', retryable: true },
      },
      meta,
    );
    if (e.payload.outcome === 'failed') expect(e.payload.error.code).toBe('SIGNING_FAILED');
    else throw new Error('expected failed');
  });

  it('names the selectors of a status event only when it can name every dimension', () => {
    const status = (submittedVia?: 'ingress') =>
      createEvent(
        'keel.operation.status.v1',
        {
          operationId: 'op-1',
          status: 'CANCELLED',
          previousStatus: 'QUEUED',
          sequence: 2,
          at: new Date().toISOString(),
          ...(submittedVia ? { submittedVia } : {}),
        },
        meta,
      );
    expect(selectorsOf('keel.operation.status.v1', status('ingress'))).toEqual([
      'status:CANCELLED',
      'via:ingress',
    ]);
    // Without the submitter's kind a consumer selecting on `via:` must still get it: no selectors.
    expect(selectorsOf('keel.operation.status.v1', status())).toBeUndefined();
    const accepted = createEvent(
      'keel.operation.accepted.v1',
      {
        operationId: 'op-1',
        operationType: 'token.mint',
        params: {},
        acceptedAt: new Date().toISOString(),
      },
      meta,
    );
    expect(selectorsOf('keel.operation.accepted.v1', accepted)).toBeUndefined();
    // The tokens are typed per topic (checked by the typecheck target).
    const typed: SelectorOf<'keel.operation.status.v1'>[] = ['status:FAILED', 'via:api-key'];
    // @ts-expect-error: not a status
    const notAStatus: SelectorOf<'keel.operation.status.v1'>[] = ['status:DONE'];
    // @ts-expect-error: the topic declares no selectors
    const none: SelectorOf<'keel.operation.accepted.v1'>[] = ['status:FAILED'];
    expect([typed, notAStatus, none].map((l) => l.length)).toEqual([2, 1, 1]);
  });
});
