// Renders every overlay with `kubectl kustomize` (Debian's kubectl; .ci/run installs it, or
// KEEL_KUBECTL names one) and validates every object offline: Kubernetes kinds against the
// schemas of the npm package kubernetes-models, Strimzi kinds against the CRDs Strimzi's own
// generator writes (k8s/tools/strimzi-schemas.sh, Maven Central, into the ignored k8s/.cache).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { deployedServiceNames, repoRoot } from './tools/topology';

type Obj = Record<string, unknown>;
const kubectl = process.env['KEEL_KUBECTL'] ?? 'kubectl';

function render(overlay: string): Obj[] {
  let out: string;
  try {
    out = execFileSync(kubectl, ['kustomize', join(repoRoot, 'k8s/overlays', overlay)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    throw new Error(
      `'${kubectl} kustomize' failed (${(err as Error).message}). Install Debian's kubectl (apt-get install -y kubernetes-client) or run .ci/run, which unpacks it and sets KEEL_KUBECTL.`,
    );
  }
  return parseAllDocuments(out).map((d) => d.toJSON() as Obj);
}

const modules: Record<string, string> = {
  v1: 'kubernetes-models/v1',
  'apps/v1': 'kubernetes-models/apps/v1',
  'policy/v1': 'kubernetes-models/policy/v1',
  'networking.k8s.io/v1': 'kubernetes-models/networking.k8s.io/v1',
  'autoscaling/v2': 'kubernetes-models/autoscaling/v2',
};

function strimziValidators(): Map<string, (o: unknown) => boolean> {
  execFileSync('bash', [join(repoRoot, 'k8s/tools/strimzi-schemas.sh')], { stdio: 'inherit' });
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validators = new Map<string, (o: unknown) => boolean>();
  for (const file of ['kafkatopic.yaml', 'kafkauser.yaml']) {
    const crd = parseAllDocuments(
      readFileSync(join(repoRoot, 'k8s/.cache/strimzi', file), 'utf8'),
    )[0]!.toJSON() as {
      spec: {
        names: { kind: string };
        versions: { name: string; schema: { openAPIV3Schema: Obj } }[];
      };
    };
    for (const v of crd.spec.versions) {
      const validate = ajv.compile(v.schema.openAPIV3Schema);
      validators.set(`kafka.strimzi.io/${v.name}/${crd.spec.names.kind}`, (o) => {
        const ok = validate(o);
        if (!ok) throw new Error(ajv.errorsText(validate.errors));
        return ok;
      });
    }
  }
  return validators;
}

describe.each(['dev', 'prod'])('k8s/overlays/%s', (overlay) => {
  it('renders with kubectl kustomize, and every object is schema-valid', async () => {
    const objects = render(overlay);
    const strimzi = strimziValidators();
    const kinds = new Set<string>();
    for (const o of objects) {
      const apiVersion = String(o['apiVersion']);
      const kind = String(o['kind']);
      const name = String((o['metadata'] as Obj)['name']);
      kinds.add(kind);
      const where = `${overlay}: ${kind}/${name}`;
      const crd = strimzi.get(`${apiVersion}/${kind}`);
      if (crd) {
        expect(() => crd(o), where).not.toThrow();
        continue;
      }
      const path = modules[apiVersion];
      expect(path, `${where}: no schema for ${apiVersion}`).toBeDefined();
      const mod = (await import(path!)) as Record<string, new (o: Obj) => { validate(): void }>;
      const Model = mod[kind];
      expect(Model, `${where}: no schema for ${kind}`).toBeDefined();
      expect(() => new Model!(o).validate(), where).not.toThrow();
    }
    for (const kind of ['Deployment', 'KafkaTopic', 'KafkaUser', 'NetworkPolicy']) {
      expect(kinds).toContain(kind);
    }
    const deployments = objects.filter((o) => o['kind'] === 'Deployment');
    expect(deployments.map((d) => (d['metadata'] as Obj)['name']).sort()).toEqual(
      deployedServiceNames(),
    );
  }, 300_000);
});
