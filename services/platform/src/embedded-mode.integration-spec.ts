import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, waitUntil } from '@keel/testing';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlatformEndpoints } from './data-dir';

// `npm start` as a newcomer runs it: a child process on a fresh data directory, stopped
// with SIGINT to its process group (what Ctrl-C in a terminal does), then started again.
const root = resolve(__dirname, '../../..');
const dataDir = mkdtempSync(join(tmpdir(), 'keel-embedded-'));

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly gatewayUrl: string;
  readonly openApiUrl: string;
  readonly apiKey: string;
}

let current: ChildProcess | undefined;

async function npmStart(ports: { gateway: number; anvil: number }): Promise<Started> {
  let out = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: {
      ...process.env,
      KEEL_DATA_DIR: dataDir,
      KEEL_GATEWAY_PORT: String(ports.gateway),
      KEEL_ANVIL_PORT: String(ports.anvil),
      DATABASE_URL: '',
      KEEL_DATABASE_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  current = child;
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const field = (label: string) => new RegExp(`${label}:\\s+(\\S+)`).exec(out)?.[1];
  await waitUntil(
    'npm start prints the operator key',
    async () => field('Operator key') !== undefined,
    {
      timeoutMs: 240_000,
      intervalMs: 250,
    },
  ).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${out.slice(-4000)}`);
  });
  return {
    child,
    output: () => out,
    gatewayUrl: field('Gateway')!.replace(/\/api\/v1$/, ''),
    openApiUrl: field('OpenAPI')!,
    apiKey: field('Operator key')!,
  };
}

/** A second `npm start` on the same data directory, expected to refuse and exit. */
function npmStartRefused(ports: {
  gateway: number;
  anvil: number;
}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    let output = '';
    const child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: {
        ...process.env,
        KEEL_DATA_DIR: dataDir,
        KEEL_GATEWAY_PORT: String(ports.gateway),
        KEEL_ANVIL_PORT: String(ports.anvil),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolvePromise({ code, output }));
  });
}

/**
 * Ctrl-C: SIGINT to the whole process group. npm re-raises the signal on itself once its
 * script has exited, so success is the runner's own report and an empty process group.
 */
async function ctrlC(started: Started): Promise<void> {
  const exited = new Promise<void>((r) => started.child.once('exit', () => r()));
  process.kill(-started.child.pid!, 'SIGINT');
  await exited;
  expect(started.output()).toMatch(/stopped\n/);
  expect(started.output()).not.toMatch(/stop failed|did not stop cleanly/);
  await waitUntil('no process left in the group', async () => !alive(-started.child.pid!), {
    timeoutMs: 10_000,
  });
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

function runDemo(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise) => {
    let output = '';
    const child = spawn('npm', ['run', 'demo', '--silent'], {
      cwd: root,
      env: { ...process.env, KEEL_DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => resolvePromise({ code, output }));
  });
}

afterAll(() => {
  if (current?.pid && alive(current.pid)) process.kill(-current.pid, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

describe('embedded mode (npm start)', () => {
  it('boots everything in one process, stops cleanly on Ctrl-C, reuses its data directory and runs the demo', async () => {
    const ports = { gateway: await freePort(), anvil: await freePort() };
    const first = await npmStart(ports);
    expect(first.gatewayUrl).toBe(`http://127.0.0.1:${ports.gateway}`);
    expect(first.output()).toMatch(/starting anvil/);
    expect(first.output()).toMatch(/starting gateway ✓/);

    // The operator key is kept owner-only in the data directory.
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    const endpoints = JSON.parse(
      readFileSync(join(dataDir, 'platform.json'), 'utf8'),
    ) as PlatformEndpoints;
    expect(endpoints.gatewayUrl).toBe(first.gatewayUrl);

    expect((await fetch(`${first.gatewayUrl}/health/ready`)).status).toBe(200);

    // A second start on the same data directory refuses, naming the running one, and
    // leaves its platform.json alone.
    const refused = await npmStartRefused(ports);
    expect(refused.code, refused.output).not.toBe(0);
    expect(refused.output).toContain(
      `another Keel is running on this data directory: pid ${endpoints.pid}, gateway ${first.gatewayUrl}/api/v1`,
    );
    expect(JSON.parse(readFileSync(join(dataDir, 'platform.json'), 'utf8'))).toEqual(endpoints);
    const doc = (await (await fetch(first.openApiUrl)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/operations', '/assets', '/identities/{wallet}']),
    );
    const headers = { 'x-api-key': first.apiKey, 'content-type': 'application/json' };
    const assets = await fetch(`${first.gatewayUrl}/api/v1/assets`, { headers });
    expect(assets.status).toBe(200);
    expect((await assets.json()) as { asOf: unknown[] }).toMatchObject({
      asOf: [{ chainId: endpoints.chainId }],
    });
    // State to find again after the restart: an API key (PGlite) and mined blocks (anvil).
    const created = await fetch(`${first.gatewayUrl}/api/v1/api-keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: 'survives-restart', scope: 'read', roles: ['viewer'] }),
    });
    expect(created.status).toBe(201);
    await rpc(endpoints.rpcUrl, 'anvil_mine', ['0x3']);
    const height = BigInt((await rpc(endpoints.rpcUrl, 'eth_blockNumber')) as string);

    await ctrlC(first);
    expect(alive(endpoints.anvilPid)).toBe(false);
    expect(existsSync(join(dataDir, 'keel.lock'))).toBe(false); // released on a clean exit

    const second = await npmStart(ports);
    expect(second.apiKey).toBe(first.apiKey);
    const again = JSON.parse(
      readFileSync(join(dataDir, 'platform.json'), 'utf8'),
    ) as PlatformEndpoints;
    expect(again.operatorWallet).toBe(endpoints.operatorWallet);
    const keys = (await (
      await fetch(`${second.gatewayUrl}/api/v1/api-keys`, { headers })
    ).json()) as { items: { name: string }[] };
    expect(keys.items.map((k) => k.name)).toContain('survives-restart');
    expect(BigInt((await rpc(again.rpcUrl, 'eth_blockNumber')) as string)).toBeGreaterThanOrEqual(
      height,
    );

    // `npm run demo` against the restarted platform: the issuance story end to end.
    const demo = await runDemo();
    expect(demo.code, demo.output).toBe(0);
    expect(demo.output).toMatch(/create the bond .*\n\s+✓/);
    expect(demo.output).toMatch(/transfers 40 to .* \(compliant\) …\n\s+✓/);
    expect(demo.output).toMatch(
      /denied: COMPLIANCE_REJECTED — CountryAllowList: CountryNotAllowed/,
    );
    expect(demo.output).toMatch(/DEMO OK/);

    await ctrlC(second);
    expect(alive(again.anvilPid)).toBe(false);
  }, 600_000);
});
