import type { PayloadInput } from '@keel/events';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { InboxHandler } from '../inbox';

export const TOPIC = 'keel.operation.accepted.v1' as const;
export const ORG = 'org-persistence-test';

/** A service-owned table, created by a service migration, that records each effect. */
export class CreateTestEffects1795300000001 implements MigrationInterface {
  readonly name = 'CreateTestEffects1795300000001';
  async up(q: QueryRunner): Promise<void> {
    // Deliberately no unique constraint: a duplicate effect must be visible.
    await q.query(`CREATE TABLE test_effects (
      id bigserial PRIMARY KEY, event_id uuid NOT NULL, operation_id text NOT NULL,
      seq integer NOT NULL, consumer text NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE test_effects`);
  }
}

export function acceptedPayload(operationId: string, seq: number): PayloadInput<typeof TOPIC> {
  return {
    operationId,
    operationType: 'token.transfer',
    params: { seq },
    acceptedAt: new Date().toISOString(),
  };
}

/** The handler under test: one effect row plus one caused event, in the inbox transaction. */
export function effectHandler(consumer: string): InboxHandler<typeof TOPIC> {
  return async (event, ctx) => {
    const seq = Number(event.payload.params['seq'] ?? -1);
    await ctx.manager.query(
      `INSERT INTO test_effects (event_id, operation_id, seq, consumer) VALUES ($1, $2, $3, $4)`,
      [event.id, event.payload.operationId, seq, consumer],
    );
    await ctx.outbox.publish('keel.operation.status.v1', {
      operationId: event.payload.operationId,
      status: 'PREPARING',
      previousStatus: 'QUEUED',
      sequence: seq,
      at: new Date().toISOString(),
    });
  };
}
