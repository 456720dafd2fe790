import { type TopicName, deadLetterTopicOf } from '@keel/events';
import type { BusDriver, OutgoingRecord, RawMessage } from './driver';
import { DLQ_HEADER_PREFIX, Headers } from './headers';

/** One dead-lettered message, as listed by the DLQ tool. */
export interface DeadLetter {
  readonly dlqTopic: string;
  readonly dlqPartition: number;
  readonly dlqOffset: string;
  readonly originalTopic: string;
  readonly originalPartition: string | undefined;
  readonly originalOffset: string | undefined;
  readonly group: string | undefined;
  readonly reason: string | undefined;
  readonly error: string | undefined;
  readonly attempts: string | undefined;
  readonly failedAt: string | undefined;
  readonly eventId: string | undefined;
  readonly key: string | null;
  readonly value: string | null;
  /** The headers the message had before it was dead-lettered. */
  readonly originalHeaders: Readonly<Record<string, string>>;
}

export function toDeadLetter(raw: RawMessage): DeadLetter {
  const originalHeaders: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw.headers)) {
    if (!k.startsWith(DLQ_HEADER_PREFIX)) originalHeaders[k] = v;
  }
  return {
    dlqTopic: raw.topic,
    dlqPartition: raw.partition,
    dlqOffset: raw.offset,
    originalTopic: raw.headers[Headers.dlqTopic] ?? raw.topic.replace(/\.dlq$/, ''),
    originalPartition: raw.headers[Headers.dlqPartition],
    originalOffset: raw.headers[Headers.dlqOffset],
    group: raw.headers[Headers.dlqGroup],
    reason: raw.headers[Headers.dlqReason],
    error: raw.headers[Headers.dlqError],
    attempts: raw.headers[Headers.dlqAttempts],
    failedAt: raw.headers[Headers.dlqFailedAt],
    eventId: raw.headers[Headers.eventId],
    key: raw.key,
    value: raw.value,
    originalHeaders,
  };
}

export interface DeadLetterFilter {
  readonly group?: string;
  readonly eventIds?: readonly string[];
}

function matches(d: DeadLetter, f: DeadLetterFilter): boolean {
  if (f.group !== undefined && d.group !== f.group) return false;
  if (f.eventIds && f.eventIds.length > 0 && (!d.eventId || !f.eventIds.includes(d.eventId)))
    return false;
  return true;
}

/** Lists the dead letters of a topic (reads `<topic>.dlq` from the beginning). */
export async function listDeadLetters(
  driver: BusDriver,
  topic: TopicName,
  filter: DeadLetterFilter = {},
): Promise<DeadLetter[]> {
  const raw = await driver.readTopic(deadLetterTopicOf(topic));
  return raw.map(toDeadLetter).filter((d) => matches(d, filter));
}

/**
 * Puts dead letters back on their original topic, unchanged (same event id,
 * value and headers), marked for the consumer group that failed them so other
 * groups skip the copy. Replaying twice is harmless: the inbox dedupes on the
 * event id. Returns what was replayed.
 */
export async function replayDeadLetters(
  driver: BusDriver,
  topic: TopicName,
  filter: DeadLetterFilter = {},
): Promise<DeadLetter[]> {
  const letters = await listDeadLetters(driver, topic, filter);
  const records: OutgoingRecord[] = letters.map((d) => ({
    topic: d.originalTopic,
    key: d.key ?? '',
    value: d.value ?? '',
    headers: {
      ...d.originalHeaders,
      ...(d.group ? { [Headers.replayForGroup]: d.group } : {}),
      [Headers.replayedAt]: new Date().toISOString(),
    },
  }));
  await driver.send(records);
  return letters;
}
