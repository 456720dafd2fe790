// Renders the Kubernetes manifests of every deployed service (k8s/base/services/*.yaml), their
// Strimzi KafkaUser ACLs (k8s/base/kafka-users.yaml), the shared ConfigMap and both overlays,
// all from the topology read out of the code (./topology.ts). Committed, and checked fresh by
// k8s/manifests.spec.ts, like the topics:
//   npx nx run k8s:manifests
// Written for kustomize v2 (Debian's kubectl) and newer: bases + patchesStrategicMerge only.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { provisionedTopics } from '@keel/events';
import { stringify } from 'yaml';
import { renderKafkaTopics } from './kafka-topics';
import { deploymentTopology, repoRoot, type ServiceTopology, urlVariableOf } from './topology';

export const HTTP_PORT = 8080;
export const KAFKA_CLUSTER = 'keel';
/** The Strimzi listener the services use: TLS with SCRAM-SHA-512 (see kafkaUser). */
export const KAFKA_PORT = 9093;
export const IMAGE_REPOSITORY = 'ghcr.io/keel-platform';

/**
 * Services that must run as one replica: chain-gateway polls the chain for receipts and streams
 * its logs, the indexer writes its read models in block order; a second replica would publish
 * or apply the same blocks twice. Every other service is a consumer group member (partitions
 * spread across replicas) or stateless HTTP, and scales out with an HPA.
 */
export const SINGLE_REPLICA = new Set(['chain-gateway', 'indexer']);

/** Values every service takes from the shared ConfigMap `keel-config` (when its config has them). */
export const sharedConfig: Readonly<Record<string, string>> = {
  KEEL_KAFKA_BROKERS: `${KAFKA_CLUSTER}-kafka-bootstrap:${KAFKA_PORT}`,
  KEEL_KAFKA_SSL: 'true',
  KEEL_CHAIN_ID: '1',
  KEEL_LOG_LEVEL: 'info',
  KEEL_ENVIRONMENT: 'production',
  KEEL_TELEMETRY: 'otlp',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability:4318',
};

type Obj = Record<string, unknown>;
type EnvVar = { name: string; value?: string; valueFrom?: Obj };

const partOf = { 'app.kubernetes.io/part-of': 'keel' };
const labelsOf = (s: string) => ({ 'app.kubernetes.io/name': s, ...partOf });
const selectorOf = (s: string) => ({ 'app.kubernetes.io/name': s });
/** The Secret an operator creates per service (never in git): keys are the variables' names. */
export const secretNameOf = (s: string) => `keel-${s}`;

/** Where each variable a service validates comes from in its Deployment (undefined: its default). */
export function envOf(t: ServiceTopology): EnvVar[] {
  const env: EnvVar[] = [];
  const calls = new Map(t.calls.map((c) => [urlVariableOf(c), c]));
  for (const v of t.variables) {
    const name = v.env;
    const callee = calls.get(name);
    if (name === 'KEEL_HTTP_PORT') env.push({ name, value: String(HTTP_PORT) });
    else if (name === 'KEEL_HTTP_HOST') env.push({ name, value: '0.0.0.0' });
    else if (name === 'KEEL_BUS_DRIVER') env.push({ name, value: 'kafka' });
    else if (name === 'KEEL_KAFKA_USERNAME') env.push({ name, value: t.name });
    else if (name === 'KEEL_KAFKA_PASSWORD') {
      // Strimzi's User Operator writes the KafkaUser's password into a Secret of the user's name.
      env.push({ name, valueFrom: { secretKeyRef: { name: t.name, key: 'password' } } });
    } else if (callee) env.push({ name, value: `http://${callee}:${HTTP_PORT}` });
    else if (name in sharedConfig) {
      env.push({ name, valueFrom: { configMapKeyRef: { name: 'keel-config', key: name } } });
    } else if (v.sensitive) {
      env.push({
        name,
        valueFrom: {
          secretKeyRef: {
            name: secretNameOf(t.name),
            key: name,
            ...(v.required ? {} : { optional: true }),
          },
        },
      });
    } else if (v.required) {
      throw new Error(
        `services/${t.name}: required variable ${name} has no source; give it one in k8s/tools/render.ts (envOf)`,
      );
    }
  }
  return env;
}

/** The Secret keys an operator provides for the service (required first). */
export function secretKeysOf(t: ServiceTopology): { required: string[]; optional: string[] } {
  const keys = envOf(t)
    .map((e) => (e.valueFrom?.['secretKeyRef'] as Obj | undefined) ?? null)
    .filter((r): r is Obj => r !== null && r['name'] === secretNameOf(t.name));
  return {
    required: keys.filter((k) => k['optional'] !== true).map((k) => String(k['key'])),
    optional: keys.filter((k) => k['optional'] === true).map((k) => String(k['key'])),
  };
}

function deployment(t: ServiceTopology): Obj {
  const probe = (path: string, extra: Obj) => ({
    httpGet: { path, port: 'http' },
    timeoutSeconds: 3,
    ...extra,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: t.name, labels: labelsOf(t.name) },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(t.name) },
      ...(SINGLE_REPLICA.has(t.name) ? { strategy: { type: 'Recreate' } } : {}),
      template: {
        metadata: { labels: labelsOf(t.name) },
        spec: {
          serviceAccountName: t.name,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 30,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          containers: [
            {
              name: t.name,
              image: `${IMAGE_REPOSITORY}/${t.name}:latest`,
              imagePullPolicy: 'IfNotPresent',
              ports: [{ name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' }],
              env: envOf(t),
              startupProbe: probe(t.health.live, { periodSeconds: 2, failureThreshold: 60 }),
              livenessProbe: probe(t.health.live, { periodSeconds: 10, failureThreshold: 3 }),
              readinessProbe: probe(t.health.ready, { periodSeconds: 5, failureThreshold: 2 }),
              resources: {
                requests: { cpu: '100m', memory: '256Mi' },
                limits: { cpu: '1', memory: '512Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }],
        },
      },
    },
  };
}

function networkPolicy(t: ServiceTopology, all: readonly ServiceTopology[]): Obj {
  const callers = all.filter((o) => o.calls.includes(t.name)).map((o) => o.name);
  const http = [{ protocol: 'TCP', port: HTTP_PORT }];
  const ingress =
    t.name === 'gateway'
      ? [{ ports: http }] // the only entry point: from anywhere (an ingress controller, a load balancer)
      : callers.length > 0
        ? [
            {
              from: callers.map((c) => ({ podSelector: { matchLabels: selectorOf(c) } })),
              ports: http,
            },
          ]
        : [];
  const anywhere = (ports: number[]) => ({
    to: [{ ipBlock: { cidr: '0.0.0.0/0' } }],
    ports: ports.map((port) => ({ protocol: 'TCP', port })),
  });
  const egress: Obj[] = [
    {
      to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [
        { protocol: 'UDP', port: 53 },
        { protocol: 'TCP', port: 53 },
      ],
    },
    {
      to: [
        {
          podSelector: {
            matchLabels: { 'strimzi.io/cluster': KAFKA_CLUSTER, 'strimzi.io/kind': 'Kafka' },
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: KAFKA_PORT }],
    },
    ...t.calls.map((c) => ({ to: [{ podSelector: { matchLabels: selectorOf(c) } }], ports: http })),
    // The database and the RPC upstreams usually live outside the cluster: their ports only.
    ...(t.usesDatabase ? [anywhere([5432])] : []),
    ...(t.usesRpc ? [anywhere([443, 8545])] : []),
    // OTLP/HTTP to the collector (sharedConfig OTEL_EXPORTER_OTLP_ENDPOINT).
    { to: [{ namespaceSelector: {} }], ports: [{ protocol: 'TCP', port: 4318 }] },
  ];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: t.name, labels: labelsOf(t.name) },
    spec: {
      podSelector: { matchLabels: selectorOf(t.name) },
      policyTypes: ['Ingress', 'Egress'],
      ingress,
      egress,
    },
  };
}

function serviceObjects(t: ServiceTopology, all: readonly ServiceTopology[]): Obj[] {
  const objects: Obj[] = [
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: t.name, labels: labelsOf(t.name) },
      automountServiceAccountToken: false,
    },
    deployment(t),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: t.name, labels: labelsOf(t.name) },
      spec: {
        type: 'ClusterIP',
        selector: selectorOf(t.name),
        ports: [{ name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: t.name, labels: labelsOf(t.name) },
      spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(t.name) } },
    },
    networkPolicy(t, all),
  ];
  if (!SINGLE_REPLICA.has(t.name)) {
    objects.push({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: t.name, labels: labelsOf(t.name) },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: t.name },
        minReplicas: 2,
        // A consumer group has at most one active member per partition (12 per work topic).
        maxReplicas: 12,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      },
    });
  }
  return objects;
}

/** One KafkaUser per service: reads only what it consumes, writes only what it produces. */
export function kafkaUser(t: ServiceTopology): Obj {
  const acl = (type: string, name: string, patternType: string, operations: string[]) => ({
    resource: { type, name, patternType },
    operations,
    host: '*',
  });
  return {
    apiVersion: 'kafka.strimzi.io/v1beta2',
    kind: 'KafkaUser',
    metadata: {
      name: t.name,
      labels: { 'strimzi.io/cluster': KAFKA_CLUSTER, ...labelsOf(t.name) },
    },
    spec: {
      authentication: { type: 'scram-sha-512' },
      authorization: {
        type: 'simple',
        acls: [
          ...t.consumes.map((topic) => acl('topic', topic, 'literal', ['Read', 'Describe'])),
          ...t.produces.map((topic) => acl('topic', topic, 'literal', ['Write', 'Describe'])),
          ...(t.consumes.length > 0
            ? [acl('group', t.groupPrefix, 'prefix', ['Read', 'Describe'])]
            : []),
        ],
      },
    },
  };
}

const doc = (objects: readonly Obj[]) =>
  objects.map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('');
const GENERATED =
  '# Generated by k8s/tools/render.ts from the code (services/, libs/events). Do not edit.\n';

function secretComment(t: ServiceTopology): string {
  const { required, optional } = secretKeysOf(t);
  return [
    `# Secret ${secretNameOf(t.name)} (create it yourself; never in git):`,
    `#   required keys: ${required.join(', ') || '(none)'}`,
    `#   optional keys: ${optional.join(', ') || '(none)'}`,
    `# Secret ${t.name}: written by Strimzi for the KafkaUser (key password).`,
    '',
  ].join('\n');
}

function overlayPatches(all: readonly ServiceTopology[], env: 'dev' | 'prod'): Obj[] {
  const patches: Obj[] = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'keel-config' },
      data: { KEEL_ENVIRONMENT: env === 'dev' ? 'dev' : 'production' },
    },
  ];
  for (const t of all) {
    const scales = !SINGLE_REPLICA.has(t.name);
    const resources =
      env === 'dev'
        ? { requests: { cpu: '50m', memory: '128Mi' }, limits: { cpu: '500m', memory: '384Mi' } }
        : { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '2', memory: '1Gi' } };
    const podSpec: Obj = { containers: [{ name: t.name, resources }] };
    if (env === 'prod' && scales) {
      podSpec['affinity'] = {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            {
              labelSelector: { matchLabels: selectorOf(t.name) },
              topologyKey: 'kubernetes.io/hostname',
            },
          ],
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 100,
              podAffinityTerm: {
                labelSelector: { matchLabels: selectorOf(t.name) },
                topologyKey: 'topology.kubernetes.io/zone',
              },
            },
          ],
        },
      };
    }
    patches.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: t.name },
      spec: { replicas: env === 'prod' && scales ? 3 : 1, template: { spec: podSpec } },
    });
    if (scales) {
      patches.push({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: t.name },
        spec:
          env === 'dev' ? { minReplicas: 1, maxReplicas: 1 } : { minReplicas: 3, maxReplicas: 12 },
      });
    }
  }
  if (env === 'dev') {
    // A one-broker dev cluster: one replica per topic.
    for (const topic of provisionedTopics) {
      patches.push({
        apiVersion: 'kafka.strimzi.io/v1beta2',
        kind: 'KafkaTopic',
        metadata: { name: topic.name.replace(/\./g, '-') },
        spec: { replicas: 1, config: { 'min.insync.replicas': 1 } },
      });
    }
  }
  return patches;
}

/** Every generated file, by path relative to the repository root. */
export async function renderManifests(): Promise<Map<string, string>> {
  const all = await deploymentTopology();
  const files = new Map<string, string>();
  files.set('k8s/base/kafka-topics.yaml', renderKafkaTopics());
  files.set('k8s/base/kafka-users.yaml', GENERATED + doc(all.map(kafkaUser)));
  files.set(
    'k8s/base/config.yaml',
    GENERATED +
      doc([
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'keel-config', labels: partOf },
          data: sharedConfig,
        },
        {
          // Everything of Keel refuses traffic no policy of its own allows.
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'keel-default-deny', labels: partOf },
          spec: { podSelector: { matchLabels: partOf }, policyTypes: ['Ingress', 'Egress'] },
        },
      ]),
  );
  for (const t of all) {
    files.set(
      `k8s/base/services/${t.name}.yaml`,
      GENERATED + secretComment(t) + doc(serviceObjects(t, all)),
    );
  }
  files.set(
    'k8s/base/kustomization.yaml',
    GENERATED +
      stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1',
        kind: 'Kustomization',
        namespace: 'keel',
        resources: [
          'namespace.yaml',
          'config.yaml',
          'kafka-topics.yaml',
          'kafka-users.yaml',
          ...all.map((t) => `services/${t.name}.yaml`),
        ],
      }),
  );
  const version = (await import(join(repoRoot, 'package.json'))) as {
    version?: string;
    default?: { version?: string };
  };
  const tag = version.version ?? version.default?.version ?? '0.0.0';
  for (const env of ['dev', 'prod'] as const) {
    files.set(`k8s/overlays/${env}/patches.yaml`, GENERATED + doc(overlayPatches(all, env)));
    files.set(
      `k8s/overlays/${env}/kustomization.yaml`,
      GENERATED +
        stringify({
          apiVersion: 'kustomize.config.k8s.io/v1beta1',
          kind: 'Kustomization',
          bases: ['../../base'],
          patchesStrategicMerge: ['patches.yaml'],
          images: all.map((t) => ({
            name: `${IMAGE_REPOSITORY}/${t.name}`,
            newTag: env === 'dev' ? 'dev' : tag,
          })),
        }),
    );
  }
  return files;
}

if (require.main === module) {
  renderManifests().then(
    (files) => {
      rmSync(join(repoRoot, 'k8s/base/services'), { recursive: true, force: true });
      for (const [path, text] of files) {
        mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
        writeFileSync(join(repoRoot, path), text);
      }
      process.stdout.write(`wrote ${files.size} files\n`);
      process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}

/** The generated service files present on disk (to spot one left from a removed service). */
export function committedServiceFiles(): string[] {
  return readdirSync(join(repoRoot, 'k8s/base/services'))
    .map((f) => `k8s/base/services/${f}`)
    .sort();
}
