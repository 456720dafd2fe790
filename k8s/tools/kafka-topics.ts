// Renders the Strimzi KafkaTopic resources for every topic of the catalog and
// its dead-letter topic. Topic provisioning is a deployment step (the mock
// Kafka cluster used in tests cannot create topics through the admin API).
//   node -r @swc-node/register k8s/tools/kafka-topics.ts > k8s/base/kafka-topics.yaml
import { catalog, deadLetterTopicOf, topicNames, type TopicName } from '@keel/events';

export interface TopicSizing {
  readonly partitions: number;
  readonly replicas: number;
  readonly retentionMs: number;
}

const DAY = 24 * 60 * 60 * 1000;
const work: TopicSizing = { partitions: 12, replicas: 3, retentionMs: 7 * DAY };
const deadLetters: TopicSizing = { partitions: 3, replicas: 3, retentionMs: 30 * DAY };

function resource(name: string, description: string, s: TopicSizing): string {
  return [
    '---',
    'apiVersion: kafka.strimzi.io/v1beta2',
    'kind: KafkaTopic',
    'metadata:',
    `  name: ${name.replace(/\./g, '-')}`,
    '  labels:',
    '    strimzi.io/cluster: keel',
    '    app.kubernetes.io/part-of: keel',
    '  annotations:',
    `    keel.dev/description: ${JSON.stringify(description)}`,
    'spec:',
    `  topicName: ${name}`,
    `  partitions: ${s.partitions}`,
    `  replicas: ${s.replicas}`,
    '  config:',
    `    retention.ms: ${s.retentionMs}`,
    '    min.insync.replicas: 2',
    '    cleanup.policy: delete',
    '',
  ].join('\n');
}

export function renderKafkaTopics(): string {
  const header =
    '# Generated from libs/events (the topic catalog) by k8s/tools/kafka-topics.ts. Do not edit.\n';
  const parts = topicNames.flatMap((t: TopicName) => [
    resource(t, catalog[t].description, work),
    resource(deadLetterTopicOf(t), `Dead letters of ${t}`, deadLetters),
  ]);
  return header + parts.join('');
}

if (require.main === module) process.stdout.write(renderKafkaTopics());
