import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { topicNames } from '@keel/events';
import { describe, expect, it } from 'vitest';
import { renderKafkaTopics } from './tools/kafka-topics';

describe('k8s Kafka topics', () => {
  it('the committed KafkaTopic resources match the topic catalog', () => {
    const committed = readFileSync(join(__dirname, 'base/kafka-topics.yaml'), 'utf8');
    expect(
      committed,
      'k8s/base/kafka-topics.yaml is stale: run node -r @swc-node/register k8s/tools/kafka-topics.ts > k8s/base/kafka-topics.yaml',
    ).toBe(renderKafkaTopics());
  });

  it('provisions every topic and its dead-letter topic', () => {
    const yaml = renderKafkaTopics();
    for (const t of topicNames) {
      expect(yaml).toContain(`topicName: ${t}\n`);
      expect(yaml).toContain(`topicName: ${t}.dlq\n`);
    }
  });
});
