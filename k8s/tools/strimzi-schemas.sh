#!/usr/bin/env bash
# Generates the Strimzi KafkaTopic and KafkaUser CRDs with Strimzi's crd-generator from its API
# model (Maven Central), into the ignored k8s/.cache/strimzi/, for k8s/schemas.spec.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=k8s/.cache/strimzi
[ -f "$out/kafkauser.yaml" ] && exit 0
mkdir -p "$out/lib"
mvn -q -f k8s/tools/strimzi/pom.xml dependency:copy-dependencies -DoutputDirectory="$PWD/$out/lib"
java -cp "$out/lib/*" io.strimzi.crdgenerator.CrdGenerator --yaml \
  io.strimzi.api.kafka.model.topic.KafkaTopic="$out/kafkatopic.yaml" \
  io.strimzi.api.kafka.model.user.KafkaUser="$out/kafkauser.yaml" 2>/dev/null
