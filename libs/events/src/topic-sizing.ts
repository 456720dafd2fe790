import { catalog, deadLetterTopicOf, topicNames, type TopicName } from './catalog';

/**
 * How a topic is provisioned: the one definition that both the k8s KafkaTopic
 * manifests (`k8s/tools/kafka-topics.ts`) and the test harness (`@keel/testing`
 * creates the topics through the admin API) read, so tests run on the topics
 * production gets.
 */
export interface TopicSizing {
  readonly partitions: number;
  /** Replication factor on a cluster of at least this many brokers. */
  readonly replicas: number;
  /** Writes with acks=all need this many in-sync replicas (never above `replicas`). */
  readonly minInsyncReplicas: number;
  readonly retentionMs: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** Every catalog topic: room for 12 consumers of a group, a week of replay. */
export const workTopicSizing: TopicSizing = {
  partitions: 12,
  replicas: 3,
  minInsyncReplicas: 2,
  retentionMs: 7 * DAY,
};

/** Dead-letter topics: little traffic, kept a month for inspection and replay. */
export const deadLetterTopicSizing: TopicSizing = {
  partitions: 3,
  replicas: 3,
  minInsyncReplicas: 2,
  retentionMs: 30 * DAY,
};

export interface ProvisionedTopic {
  readonly name: TopicName | `${TopicName}.dlq`;
  readonly description: string;
  readonly sizing: TopicSizing;
}

/** Every topic a Keel cluster needs: each catalog topic, then its dead-letter topic. */
export const provisionedTopics: readonly ProvisionedTopic[] = topicNames.flatMap(
  (t: TopicName): ProvisionedTopic[] => [
    { name: t, description: catalog[t].description, sizing: workTopicSizing },
    {
      name: deadLetterTopicOf(t),
      description: `Dead letters of ${t}`,
      sizing: deadLetterTopicSizing,
    },
  ],
);
