import { randomUUID } from 'node:crypto';
import {
  createEvent,
  encodeEvent,
  EventValidationError,
  type KeelEvent,
  type PayloadInput,
} from '@keel/events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBus, type Subscription } from '../bus';
import type { BatchParticipant } from '../consumption';
import { listDeadLetters, replayDeadLetters } from '../dead-letters';
import type { BusDriver } from '../driver';
import { NonRetryableError, RetryableError } from '../errors';
import { Headers } from '../headers';

/** What a driver under contract test must provide. */
export interface BusContractTarget {
  /**
   * A new driver, as if in a separate process (shares the cluster/broker). `keysConsumedConcurrently`
   * (Kafka: how many batches a fetch is cut into) where the driver has it.
   */
  newDriver(options?: { keysConsumedConcurrently?: number }): BusDriver;
  /** Upper bound for a group to (re)balance and deliver, per driver. */
  readonly settleMs: number;
  teardown(): Promise<void>;
}

export async function waitFor(
  what: string,
  check: () => boolean,
  timeoutMs: number,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const ORG = 'org-contract';
const STATUS = 'keel.operation.status.v1' as const;
const ACCEPTED = 'keel.operation.accepted.v1' as const;
const REJECTED = 'keel.operation.rejected.v1' as const;
const SUBMITTED = 'keel.operation.submitted.v1' as const;
const NOTICES = 'keel.message.dead-lettered.v1' as const;

function statusPayload(operationId: string, sequence: number): PayloadInput<typeof STATUS> {
  return {
    operationId,
    status: 'QUEUED',
    previousStatus: 'RECEIVED',
    sequence,
    at: new Date().toISOString(),
  };
}

function acceptedPayload(operationId: string): PayloadInput<typeof ACCEPTED> {
  return {
    operationId,
    operationType: 'token.mint',
    params: { amount: '1' },
    acceptedAt: new Date().toISOString(),
  };
}

/**
 * The behaviour every bus driver must have. Run by the in-process driver's
 * unit spec and the Kafka driver's integration spec.
 */
export function runBusContract(name: string, setup: () => Promise<BusContractTarget>): void {
  describe(`bus contract: ${name}`, () => {
    let target: BusContractTarget;
    const buses: EventBus[] = [];
    const bus = (options?: { keysConsumedConcurrently?: number }): EventBus => {
      const b = new EventBus(target.newDriver(options));
      buses.push(b);
      return b;
    };
    const group = (label: string) => `contract-${label}-${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      target = await setup();
    });
    afterAll(async () => {
      await Promise.allSettled(buses.map((b) => b.close()));
      await target.teardown();
    });

    it('round-trips a typed event with its envelope and trace headers', async () => {
      const run = randomUUID();
      const got: KeelEvent<typeof STATUS>[] = [];
      let headers: Readonly<Record<string, string>> = {};
      const consumer = bus();
      const sub = await consumer.subscribe({
        group: group('roundtrip'),
        handlers: {
          [STATUS]: async (e, ctx) => {
            if (e.correlationId !== run) return;
            got.push(e);
            headers = ctx.headers;
            await Promise.resolve();
          },
        },
      });
      await sub.ready;
      const sent = await bus().publish(STATUS, statusPayload(run, 1), {
        organizationId: ORG,
        correlationId: run,
        traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      });
      await waitFor('delivery', () => got.length === 1, target.settleMs);
      expect(got[0]).toEqual(sent);
      expect(got[0]!.payload.status).toBe('QUEUED');
      expect(got[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
      expect(headers[Headers.eventId]).toBe(sent.id);
      // Same trace as the producer's envelope.
      expect(headers[Headers.traceparent]).toMatch(
        /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/,
      );
      await sub.stop();
    });

    it('passes over events whose selectors the subscription does not act on, without decoding them', async () => {
      const run = randomUUID();
      const g = group('selectors');
      const got: string[] = [];
      const headersSeen = new Map<number, string | undefined>();
      const sub = await bus().subscribe({
        group: g,
        handlers: {
          [STATUS]: async (e, ctx) => {
            if (e.correlationId !== run) return;
            got.push(`${e.payload.sequence}:${e.payload.status}`);
            headersSeen.set(e.payload.sequence, ctx.headers[Headers.selectors]);
            await Promise.resolve();
          },
        },
        only: { [STATUS]: ['status:CANCELLED', 'via:ingress'] },
      });
      await sub.ready;
      const producer = bus();
      const meta = { organizationId: ORG, correlationId: run };
      const at = new Date().toISOString();
      const status = (
        sequence: number,
        s: 'QUEUED' | 'CANCELLED',
        submittedVia?: 'api-key' | 'ingress',
      ): PayloadInput<typeof STATUS> => ({
        operationId: run,
        status: s,
        previousStatus: 'RECEIVED',
        sequence,
        at,
        ...(submittedVia ? { submittedVia } : {}),
      });
      await producer.publish(STATUS, status(1, 'QUEUED', 'api-key'), meta); // passed over
      await producer.publish(STATUS, status(2, 'QUEUED', 'ingress'), meta); // via:ingress
      await producer.publish(STATUS, status(3, 'CANCELLED', 'api-key'), meta); // status:CANCELLED
      await producer.publish(STATUS, status(4, 'QUEUED'), meta); // names no selectors: delivered
      // Not even decoded: an unreadable message whose selectors are not wanted is not dead-lettered.
      const driver = target.newDriver();
      await driver.send([
        {
          topic: STATUS,
          key: run,
          value: 'not json {',
          headers: { [Headers.correlationId]: run, [Headers.selectors]: 'status:QUEUED via:user' },
        },
      ]);
      await producer.publish(STATUS, status(5, 'CANCELLED', 'ingress'), meta);
      await waitFor('the selected events', () => got.length === 4, target.settleMs);
      expect(got).toEqual(['2:QUEUED', '3:CANCELLED', '4:QUEUED', '5:CANCELLED']);
      expect(headersSeen.get(3)).toBe('status:CANCELLED via:api-key');
      expect(headersSeen.get(4)).toBeUndefined();
      const letters = await listDeadLetters(driver, STATUS, { group: g });
      expect(letters).toEqual([]);
      await sub.stop();
      await driver.close();
    });

    it('refuses a payload that fails its schema at publish; nothing is sent', async () => {
      const b = bus();
      await expect(
        b.publish(
          STATUS,
          { operationId: 'x', status: 'NOT_A_STATUS' } as unknown as PayloadInput<typeof STATUS>,
          { organizationId: ORG, correlationId: 'x' },
        ),
      ).rejects.toBeInstanceOf(EventValidationError);
    });

    it('dead-letters a malformed message with reason, headers and group, and moves on', async () => {
      const run = randomUUID();
      const g = group('malformed');
      const got: string[] = [];
      const sub = await bus().subscribe({
        group: g,
        handlers: {
          [REJECTED]: async (e) => {
            if (e.correlationId === run) got.push(e.payload.operationId);
            await Promise.resolve();
          },
        },
      });
      await sub.ready;
      const driver = target.newDriver();
      const bad = createEvent(
        REJECTED,
        {
          operationId: `${run}-0`,
          error: { code: 'x', message: 'y' },
          rejectedAt: new Date().toISOString(),
        },
        { organizationId: ORG, correlationId: run },
      );
      // Valid envelope, invalid payload (as if from a buggy producer bypassing the bus).
      const invalidPayload = { ...bad, payload: { operationId: 42 } };
      await driver.send([
        {
          topic: REJECTED,
          key: run,
          value: 'not json {',
          headers: { 'x-origin': 'test', [Headers.correlationId]: run },
        },
        {
          topic: REJECTED,
          key: run,
          value: JSON.stringify(invalidPayload),
          headers: { [Headers.eventId]: bad.id },
        },
        { topic: REJECTED, key: run, value: encodeEvent(bad), headers: {} },
      ]);
      await waitFor(
        'the valid message after the malformed ones',
        () => got.length === 1,
        target.settleMs,
      );
      expect(got).toEqual([`${run}-0`]);
      let letters: Awaited<ReturnType<typeof listDeadLetters>> = [];
      const deadline = Date.now() + target.settleMs;
      while (letters.length < 2 && Date.now() < deadline) {
        letters = await listDeadLetters(driver, REJECTED, { group: g });
      }
      expect(letters).toHaveLength(2);
      expect(letters.every((l) => l.reason === 'malformed' && l.group === g)).toBe(true);
      expect(letters[0]!.error).toMatch(/not JSON/);
      expect(letters[0]!.originalHeaders['x-origin']).toBe('test');
      expect(letters[1]!.error).toMatch(/payload.*operationId/);
      expect(letters[1]!.eventId).toBe(bad.id);
      await sub.stop();
      await driver.close();
    });

    it('hands records over in batches: one participant finish per batch with the records that succeeded; a failed one goes on alone', async () => {
      const run = randomUUID();
      // On the topic before the group joins, so fetches carry several records per partition.
      const sent: KeelEvent<typeof ACCEPTED>[] = [];
      const producer = bus();
      for (let i = 0; i < 30; i++)
        sent.push(
          await producer.publish(ACCEPTED, acceptedPayload(`${run}-${i}`), {
            organizationId: ORG,
            correlationId: `${run}-${i}`,
          }),
        );
      const failing = sent[7]!;
      const calls: { id: string; attempt: number; batch: number | undefined }[] = [];
      const finished: (readonly string[])[] = [];
      const owner = {};
      const participant = (): BatchParticipant => ({
        finish: async (succeeded) => {
          finished.push([...succeeded]);
          await Promise.resolve();
        },
        abandon: () => Promise.resolve(),
      });
      const sub = await bus({ keysConsumedConcurrently: 1 }).subscribe({
        group: group('batch'),
        retry: { initialDelayMs: 20, maxDelayMs: 100, maxAttempts: 5 },
        handlers: {
          [ACCEPTED]: async (e, ctx) => {
            if (!e.correlationId.startsWith(run)) return;
            calls.push({ id: e.id, attempt: ctx.attempt, batch: ctx.batch?.records.length });
            ctx.batch?.join(owner, participant);
            await Promise.resolve();
            if (e.id === failing.id && ctx.attempt === 1) throw new RetryableError('not yet');
          },
        },
      });
      await sub.ready;
      await waitFor(
        'every record handled',
        () =>
          sent.every((e) => calls.some((c) => c.id === e.id && (e !== failing || c.attempt === 2))),
        target.settleMs,
      );
      await sub.stop();
      const sizes = calls.map((c) => c.batch ?? 1);
      expect(Math.max(...sizes)).toBeGreaterThan(1);
      // Every other record once, inside a batch; the failed one again alone, attempt 2.
      for (const e of sent.filter((x) => x !== failing))
        expect(calls.filter((c) => c.id === e.id)).toHaveLength(1);
      const failed = calls.filter((c) => c.id === failing.id);
      expect(failed.map((c) => c.attempt)).toEqual([1, 2]);
      expect(failed[1]!.batch).toBeUndefined();
      // The participants finished with exactly the records whose handler succeeded in the batch.
      const succeeded = finished.flat();
      expect(succeeded).not.toContain(failing.id);
      const inBatches = sent.filter((e) =>
        calls.some((c) => c.id === e.id && c.batch !== undefined),
      );
      for (const e of inBatches.filter((x) => x !== failing)) expect(succeeded).toContain(e.id);
    });

    it('retries a retryable failure with backoff, then succeeds (acked only after success)', async () => {
      const run = randomUUID();
      const attempts: number[] = [];
      const at: number[] = [];
      const sub = await bus().subscribe({
        group: group('retry'),
        retry: { initialDelayMs: 50, maxDelayMs: 400, maxAttempts: 5 },
        handlers: {
          [ACCEPTED]: async (e, ctx) => {
            if (e.correlationId !== run) return;
            attempts.push(ctx.attempt);
            at.push(Date.now());
            await Promise.resolve();
            if (ctx.attempt < 3) throw new RetryableError('database unavailable');
          },
        },
      });
      await sub.ready;
      await bus().publish(ACCEPTED, acceptedPayload(run), {
        organizationId: ORG,
        correlationId: run,
      });
      await waitFor('three attempts', () => attempts.length === 3, target.settleMs);
      expect(attempts).toEqual([1, 2, 3]);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(20);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(45);
      await sub.stop();
    });

    it('does not ack a message whose handler never succeeded: another member gets it after a stop', async () => {
      const run = randomUUID();
      const g = group('ack');
      let failing = 0;
      const first = await bus().subscribe({
        group: g,
        retry: { initialDelayMs: 5_000, maxDelayMs: 5_000, maxAttempts: 100 },
        handlers: {
          [ACCEPTED]: async (e) => {
            if (e.correlationId !== run) return;
            failing++;
            await Promise.resolve();
            throw new RetryableError('still down');
          },
        },
      });
      await first.ready;
      await bus().publish(ACCEPTED, acceptedPayload(run), {
        organizationId: ORG,
        correlationId: run,
      });
      await waitFor('first failure', () => failing >= 1, target.settleMs);
      await first.stop();
      const got: string[] = [];
      const second = await bus().subscribe({
        group: g,
        handlers: {
          [ACCEPTED]: async (e) => {
            if (e.correlationId === run) got.push(e.id);
            await Promise.resolve();
          },
        },
      });
      await waitFor('redelivery to the new member', () => got.length === 1, target.settleMs * 2);
      await second.stop();
    });

    it('sends poison to the DLQ, processes the next messages, and replays after the fix', async () => {
      const run = randomUUID();
      const g = group('poison');
      const other = group('bystander');
      let fixed = false;
      const done: string[] = [];
      const bystander: string[] = [];
      const handlerFor =
        (sink: string[], poisonable: boolean) =>
        async (e: KeelEvent<typeof SUBMITTED>): Promise<void> => {
          if (e.correlationId !== run) return;
          await Promise.resolve();
          if (poisonable && e.payload.params['poison'] === true && !fixed) {
            throw new NonRetryableError('amount exceeds asset cap', 'cap-exceeded');
          }
          sink.push(e.payload.operationId);
        };
      const sub = await bus().subscribe({
        group: g,
        handlers: { [SUBMITTED]: handlerFor(done, true) },
      });
      const sub2 = await bus().subscribe({
        group: other,
        handlers: { [SUBMITTED]: handlerFor(bystander, false) },
      });
      await Promise.all([sub.ready, sub2.ready]);
      const b = bus();
      const submit = (n: number, poison: boolean) =>
        b.publish(
          SUBMITTED,
          {
            operationId: `${run}-${n}`,
            operationType: 'token.mint',
            params: { poison },
            submittedBy: { kind: 'internal', id: 'contract' },
            submittedAt: new Date().toISOString(),
          },
          { organizationId: ORG, correlationId: run },
        );
      const poison = await submit(0, true);
      await submit(1, false);
      await submit(2, false);
      await waitFor('messages after the poison', () => done.length === 2, target.settleMs);
      expect(done).toEqual([`${run}-1`, `${run}-2`]);
      await waitFor('bystander', () => bystander.length === 3, target.settleMs);
      const driver = target.newDriver();
      let letters: Awaited<ReturnType<typeof listDeadLetters>> = [];
      const deadline = Date.now() + target.settleMs;
      while (letters.length < 1 && Date.now() < deadline) {
        letters = await listDeadLetters(driver, SUBMITTED, { group: g, eventIds: [poison.id] });
      }
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({
        reason: 'rejected',
        group: g,
        originalTopic: SUBMITTED,
        eventId: poison.id,
      });
      expect(letters[0]!.error).toContain('amount exceeds asset cap');
      expect(letters[0]!.originalHeaders[Headers.correlationId]).toBe(run);

      fixed = true;
      const replayed = await replayDeadLetters(driver, SUBMITTED, {
        group: g,
        eventIds: [poison.id],
      });
      expect(replayed).toHaveLength(1);
      await waitFor('replayed message', () => done.length === 3, target.settleMs);
      expect(done[2]).toBe(`${run}-0`);
      // The other group had already processed it and ignores the replay.
      await new Promise((r) => setTimeout(r, 300));
      expect(bystander).toHaveLength(3);
      await Promise.all([sub.stop(), sub2.stop()]);
      await driver.close();
    });

    it('dead-letters after bounded retries are exhausted', async () => {
      const run = randomUUID();
      const g = group('exhaust');
      let calls = 0;
      const sub = await bus().subscribe({
        group: g,
        retry: { initialDelayMs: 10, maxDelayMs: 20, maxAttempts: 3 },
        handlers: {
          [ACCEPTED]: async (e) => {
            if (e.correlationId !== run) return;
            calls++;
            await Promise.resolve();
            throw new Error('flaky dependency');
          },
        },
      });
      await sub.ready;
      const ev = await bus().publish(ACCEPTED, acceptedPayload(run), {
        organizationId: ORG,
        correlationId: run,
      });
      await waitFor('three calls', () => calls === 3, target.settleMs);
      const driver = target.newDriver();
      let letters: Awaited<ReturnType<typeof listDeadLetters>> = [];
      const deadline = Date.now() + target.settleMs;
      while (letters.length < 1 && Date.now() < deadline) {
        letters = await listDeadLetters(driver, ACCEPTED, { group: g, eventIds: [ev.id] });
      }
      expect(letters[0]).toMatchObject({ reason: 'retries-exhausted', attempts: '3' });
      await sub.stop();
      await driver.close();
    });

    it('announces a dead letter under its correlation id, and never a dead letter of an announcement', async () => {
      const run = randomUUID();
      const g = group('announced');
      const watcher = group('watcher');
      const notices: KeelEvent<typeof NOTICES>[] = [];
      let watcherCalls = 0;
      const poisoned = await bus().subscribe({
        group: g,
        handlers: {
          [ACCEPTED]: async (e) => {
            await Promise.resolve();
            if (e.correlationId === run) throw new NonRetryableError('cannot plan this');
          },
        },
      });
      const watching = await bus().subscribe({
        group: watcher,
        handlers: {
          [NOTICES]: async (e) => {
            await Promise.resolve();
            if (e.correlationId !== run) return;
            watcherCalls++;
            notices.push(e);
            // The watcher gives up on the announcement too: it is dead-lettered, not announced again.
            throw new NonRetryableError('watcher cannot process announcements');
          },
        },
      });
      await Promise.all([poisoned.ready, watching.ready]);
      const ev = await bus().publish(ACCEPTED, acceptedPayload(run), {
        organizationId: ORG,
        correlationId: run,
      });
      await waitFor('announcement', () => notices.length === 1, target.settleMs);
      expect(notices[0]).toMatchObject({
        organizationId: ORG,
        correlationId: run,
        causationId: ev.id,
        payload: { topic: ACCEPTED, group: g, reason: 'rejected', attempts: 1, eventId: ev.id },
      });
      expect(notices[0]!.payload.error).toContain('cannot plan this');
      const driver = target.newDriver();
      let letters: Awaited<ReturnType<typeof listDeadLetters>> = [];
      const deadline = Date.now() + target.settleMs;
      while (letters.length < 1 && Date.now() < deadline) {
        letters = await listDeadLetters(driver, NOTICES, { group: watcher });
        letters = letters.filter((l) => l.originalHeaders[Headers.correlationId] === run);
      }
      expect(letters).toHaveLength(1);
      // A dead letter and its announcement are sent together: once the watcher's dead letter is
      // on its DLQ, an announcement of it would be on the topic too. There is only the first one.
      const announced = (await driver.readTopic(NOTICES)).filter(
        (m) => m.headers[Headers.correlationId] === run,
      );
      expect(announced).toHaveLength(1);
      expect(watcherCalls).toBe(1);
      await Promise.all([poisoned.stop(), watching.stop()]);
      await driver.close();
    });

    it('keeps per-key order under concurrency across partitions', async () => {
      const run = randomUUID();
      const keys = Array.from({ length: 12 }, (_, i) => `${run}-k${i}`);
      const perKey = 25;
      const seen = new Map<string, number[]>();
      let active = 0;
      let maxActive = 0;
      const sub = await bus().subscribe({
        group: group('order'),
        handlers: {
          [STATUS]: async (e) => {
            if (!e.payload.operationId.startsWith(run)) return;
            active++;
            maxActive = Math.max(maxActive, active);
            await new Promise((r) => setTimeout(r, Math.random() * 3));
            const list = seen.get(e.payload.operationId) ?? [];
            list.push(e.payload.sequence);
            seen.set(e.payload.operationId, list);
            active--;
          },
        },
      });
      await sub.ready;
      const producers = [bus(), bus(), bus()];
      await Promise.all(
        keys.map(async (k, i) => {
          const p = producers[i % producers.length]!;
          for (let s = 0; s < perKey; s++) {
            await p.publish(STATUS, statusPayload(k, s), { organizationId: ORG, correlationId: k });
          }
        }),
      );
      await waitFor(
        'all events',
        () => [...seen.values()].reduce((n, l) => n + l.length, 0) === keys.length * perKey,
        target.settleMs * 3,
      );
      for (const k of keys)
        expect(seen.get(k)).toEqual(Array.from({ length: perKey }, (_, i) => i));
      expect(maxActive).toBeGreaterThan(1);
      await sub.stop();
    });

    it('shares partitions in a group and a remaining member takes over; nothing is lost', async () => {
      const run = randomUUID();
      const g = group('share');
      const byMember: Record<'a' | 'b', string[]> = { a: [], b: [] };
      const handler = (m: 'a' | 'b') => ({
        [STATUS]: async (e: KeelEvent<typeof STATUS>) => {
          if (!e.payload.operationId.startsWith(run)) return;
          byMember[m].push(e.payload.operationId);
          await Promise.resolve();
        },
      });
      const a = await bus().subscribe({ group: g, handlers: handler('a') });
      const b = await bus().subscribe({ group: g, handlers: handler('b') });
      await Promise.all([a.ready, b.ready]);
      const p = bus();
      const publishMany = async (from: number, to: number) => {
        for (let i = from; i < to; i++) {
          await p.publish(STATUS, statusPayload(`${run}-${i}`, 0), {
            organizationId: ORG,
            correlationId: `${run}-${i}`,
          });
        }
      };
      // A joining member is assigned partitions once the group has rebalanced;
      // keep publishing until both members have received work.
      let published = 0;
      const deadline = Date.now() + target.settleMs * 2;
      while (byMember.a.length === 0 || byMember.b.length === 0) {
        if (Date.now() > deadline) throw new Error('the two members never shared the partitions');
        await publishMany(published, published + 8);
        published += 8;
        await new Promise((r) => setTimeout(r, 250));
      }
      await a.stop();
      await publishMany(published, published + 40);
      published += 40;
      const received = () => new Set([...byMember.a, ...byMember.b]).size;
      await waitFor(
        'every event, the rest by the survivor',
        () => received() === published,
        target.settleMs * 3,
      );
      expect(received()).toBe(published);
      await b.stop();
    });

    it('stops cleanly with subscriptions in flight', async () => {
      const s: Subscription = await bus().subscribe({
        group: group('stop'),
        handlers: { [STATUS]: () => Promise.resolve() },
      });
      await s.ready;
      await s.stop();
    });
  });
}
