import { type KeelEvent, selectorsOf, type TopicName } from '@keel/events';
import { Headers } from './headers';

/**
 * The headers every Keel event carries: id, type@version, organization and correlation,
 * and its selector tokens where its topic declares them.
 */
export function envelopeHeaders(
  event: KeelEvent<TopicName>,
  topic: TopicName,
): Record<string, string> {
  const headers: Record<string, string> = {
    [Headers.eventId]: event.id,
    [Headers.eventType]: `${event.type}@${event.version}`,
    [Headers.organizationId]: event.organizationId,
    [Headers.correlationId]: event.correlationId,
  };
  const selectors = selectorsOf(topic, event);
  if (selectors && selectors.length > 0) headers[Headers.selectors] = selectors.join(' ');
  return headers;
}
