import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { committedServiceFiles, kafkaUser, renderManifests } from './tools/render';
import { deployedServiceNames, deploymentTopology, repoRoot } from './tools/topology';

type Obj = Record<string, unknown>;
/** A nested field of a parsed manifest (the test fails on a wrong shape, not the type checker). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, checked by the assertions
const at = (o: unknown, ...path: (string | number)[]): any =>
  path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], o);
const objectsOf = (path: string): Obj[] =>
  parseAllDocuments(readFileSync(join(repoRoot, path), 'utf8')).map((d) => d.toJSON() as Obj);

describe('k8s manifests', () => {
  it('the committed manifests are what k8s/tools/render.ts renders from the code', async () => {
    const files = await renderManifests();
    for (const [path, text] of files) {
      expect(
        readFileSync(join(repoRoot, path), 'utf8'),
        `${path} is stale: run NX_DAEMON=false npx nx run k8s:manifests`,
      ).toBe(text);
    }
    expect(committedServiceFiles()).toEqual(
      [...files.keys()].filter((p) => p.startsWith('k8s/base/services/')).sort(),
    );
  }, 60_000);

  it('every service under services/ has its Deployment, Service, PDB, NetworkPolicy and ServiceAccount', () => {
    const names = deployedServiceNames();
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const kinds = objectsOf(`k8s/base/services/${name}.yaml`).map((o) => o['kind']);
      for (const kind of [
        'ServiceAccount',
        'Deployment',
        'Service',
        'PodDisruptionBudget',
        'NetworkPolicy',
      ]) {
        expect(kinds, `${name} has a ${kind}`).toContain(kind);
      }
    }
  });

  it("each Deployment sets only variables its service's config validates, and every required one", async () => {
    for (const t of await deploymentTopology()) {
      const deployment = objectsOf(`k8s/base/services/${t.name}.yaml`).find(
        (o) => o['kind'] === 'Deployment',
      )!;
      const container = at(deployment, 'spec', 'template', 'spec', 'containers', 0) as Obj;
      const set = (container['env'] as Obj[]).map((e) => String(e['name']));
      const known = new Set(t.variables.map((v) => v.env));
      expect(
        set.filter((e) => !known.has(e)),
        `${t.name}: variables its config does not read`,
      ).toEqual([]);
      const missing = t.variables
        .filter((v) => v.required && !set.includes(v.env))
        .map((v) => v.env);
      expect(missing, `${t.name}: required variables without a value`).toEqual([]);
      expect(container['securityContext']).toMatchObject({
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
      });
    }
  });

  it('the KafkaUser ACLs allow exactly the topics each service consumes and produces in its code', async () => {
    const users = objectsOf('k8s/base/kafka-users.yaml');
    for (const t of await deploymentTopology()) {
      const user = users.find((u) => at(u, 'metadata', 'name') === t.name);
      expect(user, `KafkaUser ${t.name}`).toBeDefined();
      const acls = at(user, 'spec', 'authorization', 'acls') as Obj[];
      const topics = (op: string) =>
        acls
          .filter(
            (a) =>
              at(a, 'resource', 'type') === 'topic' && (a['operations'] as string[]).includes(op),
          )
          .map((a) => String(at(a, 'resource', 'name')))
          .sort();
      expect(topics('Read'), `${t.name} reads`).toEqual([...t.consumes].sort());
      expect(topics('Write'), `${t.name} writes`).toEqual([...t.produces].sort());
      expect(user).toEqual(kafkaUser(t));
    }
  });

  it('only the gateway takes ingress from outside; the others only from the services that call them', async () => {
    const all = await deploymentTopology();
    for (const t of all) {
      const policy = objectsOf(`k8s/base/services/${t.name}.yaml`).find(
        (o) => o['kind'] === 'NetworkPolicy',
      )!;
      const ingress = at(policy, 'spec', 'ingress') as Obj[];
      if (t.name === 'gateway') {
        expect(ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8080 }] }]);
        continue;
      }
      const from = ingress.flatMap((r) =>
        (r['from'] as Obj[]).map((f) =>
          String(at(f, 'podSelector', 'matchLabels', 'app.kubernetes.io/name')),
        ),
      );
      expect(from.sort(), `${t.name} callers`).toEqual(
        all
          .filter((o) => o.calls.includes(t.name))
          .map((o) => o.name)
          .sort(),
      );
    }
  });
});
