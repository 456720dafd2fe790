import { resolve } from 'node:path';
import { type ManagedProcess, spawnManaged } from './processes';

export interface TsProcessOptions {
  /** Path of the TypeScript entry file, absolute or relative to the workspace root. */
  entry: string;
  args?: readonly string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  name?: string;
}

/**
 * KEEL_INTERNAL_TOKEN of the services tests start (a test value, never a deployment's):
 * startProcess passes it to every child; in-process services and direct calls to an
 * internal API use it too (header `x-keel-internal-token`).
 */
export const TEST_INTERNAL_TOKEN = 'keel-test-internal-token-0123456789abcdef';

/** Headers of a direct call to a service's internal API in a test. */
export const testInternalHeaders: Readonly<Record<string, string>> = {
  'x-keel-internal-token': TEST_INTERNAL_TOKEN,
};

/** The workspace root (where package.json and tsconfig.base.json live). */
export const workspaceRoot = resolve(__dirname, '../../..');

/**
 * Runs a TypeScript entry point as its own Node process through SWC (keeps
 * decorator metadata; resolves the workspace path aliases). Used to run
 * services and workers as real processes, e.g. to SIGKILL them mid-flight.
 */
export function startProcess(options: TsProcessOptions): ManagedProcess {
  const entry = resolve(workspaceRoot, options.entry);
  return spawnManaged(
    process.execPath,
    ['-r', '@swc-node/register', entry, ...(options.args ?? [])],
    {
      name: options.name ?? entry,
      cwd: options.cwd ?? workspaceRoot,
      env: {
        ...process.env,
        SWC_NODE_PROJECT: resolve(workspaceRoot, 'tsconfig.base.json'),
        NODE_ENV: process.env['NODE_ENV'] ?? 'test',
        // Every service a test starts shares the suite's internal token (service-to-service auth).
        KEEL_INTERNAL_TOKEN: TEST_INTERNAL_TOKEN,
        ...options.env,
      },
    },
  );
}
