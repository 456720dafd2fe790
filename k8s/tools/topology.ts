// What a deployment of Keel is made of, read from the code rather than written down twice:
// the services are the `type:app` projects under services/, the topics each one consumes and
// produces are the ones its source subscribes to and publishes (checked against the events
// catalog), and its environment is the variables its config validates. The manifests
// (k8s/tools/render.ts), the KafkaUser ACLs and their test all start here.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { deadLetterTopicOf, isTopicName, type TopicName } from '@keel/events';

export const repoRoot = join(__dirname, '..', '..');
const servicesDir = join(repoRoot, 'services');

/** The bus announces every dead letter here, from the consuming service (libs/bus `DEAD_LETTER_NOTICES`). */
export const DEAD_LETTER_NOTICES: TopicName = 'keel.message.dead-lettered.v1';

export interface ConfigVariableInfo {
  readonly env: string;
  readonly sensitive: boolean;
  readonly required: boolean;
}

export interface ServiceTopology {
  readonly name: string;
  /** Topics the service's consumer groups read (catalog topics and raw `.dlq` followers). */
  readonly consumes: readonly string[];
  /** Topics it writes: what it publishes, plus the bus's dead letters of what it consumes. */
  readonly produces: readonly string[];
  /** Consumer group ids are the service name or start with it (`<service>.<purpose>`). */
  readonly groupPrefix: string;
  readonly variables: readonly ConfigVariableInfo[];
  /** Other Keel services it calls over HTTP (a `KEEL_<SERVICE>_URL` variable). */
  readonly calls: readonly string[];
  readonly usesDatabase: boolean;
  /** Talks to EVM JSON-RPC upstreams (a `*RPC_URL*` variable). */
  readonly usesRpc: boolean;
  /** The HTTP health paths: runService's split probes, or the older single `/health`. */
  readonly health: { readonly live: string; readonly ready: string };
}

/** The deployable services: every project under services/ tagged `type:app` (not the embedded runner). */
export function deployedServiceNames(): string[] {
  return readdirSync(servicesDir)
    .filter((name) => existsSync(join(servicesDir, name, 'project.json')))
    .filter((name) => {
      const project = JSON.parse(readFileSync(join(servicesDir, name, 'project.json'), 'utf8')) as {
        tags?: string[];
      };
      return project.tags?.includes('type:app') ?? false;
    })
    .sort();
}

/** The service's production source files (no specs, no test support). */
export function sourceFiles(service: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'test-support' && entry !== 'e2e') walk(path);
      } else if (/\.ts$/.test(entry) && !/\.(integration-)?spec\.ts$/.test(entry)) {
        out.push(path);
      }
    }
  };
  walk(join(servicesDir, service, 'src'));
  return out.sort();
}

const ON_EVENT = /@OnEvent\(\s*'([^']+)'/g;
const PUBLISH = /\.publish(?:<[^>]*>)?\(\s*'([^']+)'/g;
const RAW_CONSUME = /\.consume\(\s*\{[\s\S]*?topics:\s*\[([^\]]*)\]/g;
const TOPIC_EXPR = /deadLetterTopicOf\(\s*'([^']+)'\s*\)|'([^']+)'/g;

function matches(re: RegExp, text: string): string[][] {
  return [...text.matchAll(re)].map((m) => [...m]);
}

function catalogTopic(name: string, where: string): TopicName {
  if (!isTopicName(name)) throw new Error(`${where}: '${name}' is not a topic of the catalog`);
  return name;
}

/** Topics a service subscribes to and publishes, from its source. */
export function scanTopics(service: string): { consumes: string[]; produces: string[] } {
  const consumes = new Set<string>();
  const published = new Set<string>();
  for (const file of sourceFiles(service)) {
    const text = readFileSync(file, 'utf8');
    const where = relative(repoRoot, file);
    for (const [, t] of matches(ON_EVENT, text)) consumes.add(catalogTopic(t!, where));
    for (const [, t] of matches(PUBLISH, text)) {
      if (t!.startsWith('keel.')) published.add(catalogTopic(t!, where));
    }
    for (const [, list] of matches(RAW_CONSUME, text)) {
      for (const [, dlqOf, plain] of matches(TOPIC_EXPR, list!)) {
        consumes.add(
          dlqOf ? deadLetterTopicOf(catalogTopic(dlqOf, where)) : catalogTopic(plain!, where),
        );
      }
    }
  }
  const produces = new Set(published);
  // The bus dead-letters what a group gives up on to `<topic>.dlq` and announces it.
  for (const t of consumes) {
    if (isTopicName(t)) {
      produces.add(deadLetterTopicOf(t));
      produces.add(DEAD_LETTER_NOTICES);
    }
  }
  return { consumes: [...consumes].sort(), produces: [...produces].sort() };
}

interface VariableLike {
  env: string;
  sensitive?: boolean;
  default?: unknown;
}

function isVariable(v: unknown): v is VariableLike {
  return typeof v === 'object' && v !== null && typeof (v as { env?: unknown }).env === 'string';
}

/**
 * The variables the service's config validates: the `…Variables` object its config.ts exports,
 * plus the telemetry variables every service reads at startup (runServiceMain).
 */
export async function configVariables(service: string): Promise<ConfigVariableInfo[]> {
  const mod = (await import(join(servicesDir, service, 'src', 'config.ts'))) as Record<
    string,
    unknown
  >;
  const exported = Object.entries(mod).filter(([k]) => k.endsWith('Variables'));
  if (exported.length !== 1) {
    throw new Error(
      `services/${service}/src/config.ts must export exactly one *Variables object (found ${exported.map(([k]) => k).join(', ') || 'none'})`,
    );
  }
  const { telemetryVariables } = await import('@keel/telemetry');
  const all = [
    ...Object.values(exported[0]![1] as Record<string, unknown>),
    ...Object.values(telemetryVariables),
  ].filter(isVariable);
  const byEnv = new Map<string, ConfigVariableInfo>();
  for (const v of all) {
    const info = { env: v.env, sensitive: v.sensitive === true, required: !('default' in v) };
    const seen = byEnv.get(v.env);
    byEnv.set(
      v.env,
      seen
        ? {
            env: v.env,
            sensitive: seen.sensitive || info.sensitive,
            required: seen.required && info.required,
          }
        : info,
    );
  }
  return [...byEnv.values()].sort((a, b) => a.env.localeCompare(b.env));
}

export function urlVariableOf(service: string): string {
  return `KEEL_${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

function healthOf(service: string): { live: string; ready: string } {
  const bootstrap = join(servicesDir, service, 'src', 'bootstrap.ts');
  const text = existsSync(bootstrap) ? readFileSync(bootstrap, 'utf8') : '';
  return /\brunService\b/.test(text)
    ? { live: '/health/live', ready: '/health/ready' }
    : { live: '/health', ready: '/health' };
}

export async function serviceTopology(service: string): Promise<ServiceTopology> {
  const names = deployedServiceNames();
  const variables = await configVariables(service);
  const envs = new Set(variables.map((v) => v.env));
  return {
    name: service,
    ...scanTopics(service),
    groupPrefix: service,
    variables,
    calls: names.filter((other) => other !== service && envs.has(urlVariableOf(other))),
    usesDatabase: envs.has('KEEL_DATABASE_URL'),
    usesRpc: [...envs].some((e) => /RPC_URL/.test(e)),
    health: healthOf(service),
  };
}

export async function deploymentTopology(): Promise<ServiceTopology[]> {
  const out: ServiceTopology[] = [];
  for (const name of deployedServiceNames()) out.push(await serviceTopology(name));
  return out;
}
