import {
  type BatchLimits,
  type BusDriver,
  type ConsumeOptions,
  defaultBatchLimits,
  type DeliveryControls,
  type DriverConsumer,
  type OutgoingRecord,
  type RawMessage,
} from '../driver';

/** A wake-up signal: waiters resolve on the next notify(). */
class Signal {
  private waiters: (() => void)[] = [];
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

interface Member {
  readonly id: number;
  readonly topics: ReadonlySet<string>;
  /** Hands over the messages of one call: one by one, or a batch with `handleBatch`. */
  readonly deliver: (messages: readonly RawMessage[], controls: DeliveryControls) => Promise<void>;
  readonly limits: BatchLimits | undefined;
  active: boolean;
  crashed: boolean;
  /** Resolves when the member crashes, so its partitions stop waiting on it. */
  readonly crashSignal: Promise<void>;
  readonly fireCrash: () => void;
}

interface Group {
  readonly name: string;
  readonly committed: Map<string, number>;
  members: Member[];
  readonly assignment: Map<string, Member>;
  readonly pumps: Map<string, Promise<void>>;
  readonly inFlight: Map<string, { member: Member; done: Promise<void> }>;
  readonly fromBeginning: boolean;
}

/** FNV-1a: stable key → partition mapping (same key, same partition, same order). */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The messages of the next delivery from `offset`: one without limits, else the run of
 * messages up to the first repeated key (one message per key per batch), within the limits.
 */
function nextBatch(
  log: readonly RawMessage[],
  offset: number,
  limits: BatchLimits | undefined,
): RawMessage[] {
  const first = log[offset];
  if (!first) return [];
  if (!limits) return [first];
  const batch: RawMessage[] = [];
  const keys = new Set<string | null>();
  let bytes = 0;
  for (let i = offset; i < log.length && batch.length < limits.maxRecords; i++) {
    const m = log[i]!;
    const length = m.value?.length ?? 0;
    if (keys.has(m.key) || (batch.length > 0 && bytes + length > limits.maxBytes)) break;
    keys.add(m.key);
    bytes += length;
    batch.push(m);
  }
  return batch;
}

const tp = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * An in-memory Kafka: topics with partitions (per-key order), consumer
 * groups whose members split the partitions, offsets committed only after the
 * handler resolves, redelivery when it rejects or when a member crashes.
 * Several drivers (several "services" in embedded mode) share one broker.
 */
export class InProcessBroker {
  private readonly topics = new Map<string, RawMessage[][]>();
  private readonly groups = new Map<string, Group>();
  private readonly signal = new Signal();
  private nextMemberId = 1;
  private closed = false;

  constructor(readonly partitionsPerTopic = 4) {}

  private log(topic: string): RawMessage[][] {
    let parts = this.topics.get(topic);
    if (!parts) {
      parts = Array.from({ length: this.partitionsPerTopic }, () => []);
      this.topics.set(topic, parts);
      for (const g of this.groups.values()) this.rebalance(g);
    }
    return parts;
  }

  append(records: readonly OutgoingRecord[]): void {
    if (this.closed) throw new Error('in-process broker is closed');
    for (const r of records) {
      const parts = this.log(r.topic);
      const partition = hashKey(r.key) % parts.length;
      const log = parts[partition]!;
      log.push({
        topic: r.topic,
        partition,
        offset: String(log.length),
        key: r.key,
        value: r.value,
        headers: { ...r.headers },
        timestamp: String(Date.now()),
      });
    }
    this.signal.notify();
  }

  snapshot(topic: string): RawMessage[] {
    return (this.topics.get(topic) ?? []).flat();
  }

  join(options: ConsumeOptions): { member: Member; group: Group } {
    let group = this.groups.get(options.group);
    if (!group) {
      group = {
        name: options.group,
        committed: new Map(),
        members: [],
        assignment: new Map(),
        pumps: new Map(),
        inFlight: new Map(),
        fromBeginning: options.fromBeginning ?? true,
      };
      this.groups.set(options.group, group);
    }
    let fireCrash: () => void = () => undefined;
    const crashSignal = new Promise<void>((resolve) => {
      fireCrash = resolve;
    });
    const member: Member = {
      id: this.nextMemberId++,
      topics: new Set(options.topics),
      deliver:
        options.handleBatch ?? ((messages, controls) => options.handle(messages[0]!, controls)),
      limits: options.handleBatch ? { ...defaultBatchLimits, ...options.batch } : undefined,
      active: true,
      crashed: false,
      crashSignal,
      fireCrash,
    };
    for (const t of options.topics) this.log(t);
    group.members.push(member);
    this.rebalance(group);
    return { member, group };
  }

  /** Graceful leave: waits for the member's in-flight messages, then reassigns. */
  async leave(group: Group, member: Member): Promise<void> {
    member.active = false;
    group.members = group.members.filter((m) => m !== member);
    this.rebalance(group);
    await Promise.all(
      [...group.inFlight.values()]
        .filter((f) => f.member === member)
        .map((f) => f.done.catch(() => undefined)),
    );
  }

  /** Crash: the member vanishes; what it had in flight is redelivered to another member. */
  crash(group: Group, member: Member): void {
    member.active = false;
    member.crashed = true;
    member.fireCrash();
    group.members = group.members.filter((m) => m !== member);
    this.rebalance(group);
  }

  private rebalance(group: Group): void {
    group.assignment.clear();
    for (const [topic, parts] of this.topics) {
      const eligible = group.members.filter((m) => m.topics.has(topic));
      for (let p = 0; p < parts.length; p++) {
        const key = tp(topic, p);
        if (eligible.length > 0) {
          group.assignment.set(key, eligible[p % eligible.length]!);
          if (!group.pumps.has(key)) group.pumps.set(key, this.pump(group, topic, p));
        }
      }
    }
    this.signal.notify();
  }

  private async pump(group: Group, topic: string, partition: number): Promise<void> {
    const key = tp(topic, partition);
    if (!group.committed.has(key) && !group.fromBeginning) {
      group.committed.set(key, this.log(topic)[partition]!.length);
    }
    let failures = 0;
    while (!this.closed) {
      const log = this.log(topic)[partition]!;
      const offset = group.committed.get(key) ?? 0;
      const owner = group.assignment.get(key);
      const messages = owner ? nextBatch(log, offset, owner.limits) : [];
      if (!owner || messages.length === 0) {
        await this.signal.wait();
        continue;
      }
      const controls: DeliveryControls = { heartbeat: () => Promise.resolve() };
      const done = owner.deliver(messages, controls);
      group.inFlight.set(key, { member: owner, done });
      try {
        await Promise.race([done, owner.crashSignal]);
        failures = 0;
        // A crashed member never commits (its process is gone): the message is
        // redelivered to the member that takes the partition over.
        if (!owner.crashed) group.committed.set(key, offset + messages.length);
      } catch {
        failures++;
        await new Promise((r) => setTimeout(r, Math.min(1_000, 10 * 2 ** failures)));
      } finally {
        group.inFlight.delete(key);
      }
    }
  }

  committedOffsets(groupName: string): ReadonlyMap<string, number> {
    return this.groups.get(groupName)?.committed ?? new Map();
  }

  close(): void {
    this.closed = true;
    this.signal.notify();
  }
}

/**
 * The in-process driver (embedded mode and fast tests). Same semantics as the
 * Kafka driver: per-key order, consumer groups, ack after success.
 */
export class InProcessBusDriver implements BusDriver {
  readonly kind = 'in-process' as const;
  private readonly consumers = new Set<{ stop(): Promise<void> }>();

  constructor(readonly broker: InProcessBroker = new InProcessBroker()) {}

  send(records: readonly OutgoingRecord[]): Promise<void> {
    this.broker.append(records);
    return Promise.resolve();
  }

  consume(options: ConsumeOptions): Promise<DriverConsumer & { crash(): void }> {
    const { member, group } = this.broker.join(options);
    const consumer = {
      ready: Promise.resolve(),
      stop: async () => {
        this.consumers.delete(consumer);
        if (member.active) await this.broker.leave(group, member);
      },
      crash: () => {
        this.consumers.delete(consumer);
        this.broker.crash(group, member);
      },
    };
    this.consumers.add(consumer);
    return Promise.resolve(consumer);
  }

  readTopic(topic: string): Promise<RawMessage[]> {
    return Promise.resolve(this.broker.snapshot(topic));
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.stop()));
  }
}
