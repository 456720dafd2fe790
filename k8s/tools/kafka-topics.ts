// Renders the Strimzi KafkaTopic resources for every topic of the catalog and
// its dead-letter topic, sized by @keel/events (`provisionedTopics`): the test
// harness creates the same topics from the same definition.
//   node -r @swc-node/register k8s/tools/kafka-topics.ts > k8s/base/kafka-topics.yaml
import { provisionedTopics, type ProvisionedTopic } from '@keel/events';

function resource({ name, description, sizing: s }: ProvisionedTopic): string {
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
    `    min.insync.replicas: ${s.minInsyncReplicas}`,
    '    cleanup.policy: delete',
    '',
  ].join('\n');
}

export function renderKafkaTopics(): string {
  const header =
    '# Generated from libs/events (the topic catalog) by k8s/tools/kafka-topics.ts. Do not edit.\n';
  return header + provisionedTopics.map(resource).join('');
}

if (require.main === module) process.stdout.write(renderKafkaTopics());
