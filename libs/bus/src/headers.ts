/** Header names Keel puts on every message (values are UTF-8 strings). */
export const Headers = {
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  eventId: 'keel-event-id',
  eventType: 'keel-event-type',
  organizationId: 'keel-organization-id',
  correlationId: 'keel-correlation-id',
  /** Space-separated selector tokens of the event (the catalog's `selectors`), when it has them. */
  selectors: 'keel-selectors',
  /** Set on a replayed message: only this consumer group processes it. */
  replayForGroup: 'keel-replay-for-group',
  replayedAt: 'keel-replayed-at',
  // Dead-letter metadata, added to the original headers.
  dlqReason: 'keel-dlq-reason',
  dlqError: 'keel-dlq-error',
  dlqGroup: 'keel-dlq-group',
  dlqTopic: 'keel-dlq-original-topic',
  dlqPartition: 'keel-dlq-original-partition',
  dlqOffset: 'keel-dlq-original-offset',
  dlqAttempts: 'keel-dlq-attempts',
  dlqFailedAt: 'keel-dlq-failed-at',
} as const;

export const DLQ_HEADER_PREFIX = 'keel-dlq-';
