import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilHandle } from './anvil';
import { MissingDependencyError } from './errors';
import { canRunApacheKafka, startKafkaMock, startTestKafka } from './kafka';
import { which } from './which';
import { waitUntil } from './processes';
import { startProcess } from './ts-process';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await res.json()) as { result: unknown }).result;
}

describe('anvil', () => {
  let manual: AnvilHandle;
  beforeAll(async () => {
    manual = await startAnvil({ mining: { kind: 'manual' }, chainId: 4242 });
  });
  afterAll(async () => {
    await manual?.stop();
  });

  it('runs on its own port with the chosen chain id and funded dev accounts', async () => {
    expect(await rpc(manual.rpcUrl, 'eth_chainId')).toBe('0x1092');
    expect(manual.accounts).toHaveLength(10);
    expect(manual.accounts[0]!.address).toBe('0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266');
    const bal = (await rpc(manual.rpcUrl, 'eth_getBalance', [
      manual.accounts[0]!.address,
      'latest',
    ])) as string;
    expect(BigInt(bal)).toBe(10_000n * 10n ** 18n);
  });

  it('does not mine in manual mode until asked', async () => {
    const from = manual.accounts[0]!.address;
    await rpc(manual.rpcUrl, 'eth_sendTransaction', [
      { from, to: manual.accounts[1]!.address, value: '0x1' },
    ]);
    expect(await rpc(manual.rpcUrl, 'eth_blockNumber')).toBe('0x0');
    await rpc(manual.rpcUrl, 'evm_mine');
    expect(await rpc(manual.rpcUrl, 'eth_blockNumber')).toBe('0x1');
  });

  it('mines on an interval in interval mode', async () => {
    const a = await startAnvil({ mining: { kind: 'interval', blockTime: 1 } });
    try {
      await waitUntil('a block', async () => (await rpc(a.rpcUrl, 'eth_blockNumber')) !== '0x0', {
        timeoutMs: 5_000,
      });
    } finally {
      await a.stop();
    }
    expect(alive(a.process.pid)).toBe(false);
  });

  it('runs two instances side by side on different ports', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil()]);
    expect(a.port).not.toBe(b.port);
    await Promise.all([a.stop(), b.stop()]);
  });
});

describe('teardown', () => {
  it('kills every harness process when the test process dies from an error', async () => {
    const worker = startProcess({
      entry: 'libs/testing/src/test-support/crashing-suite.ts',
      name: 'crashing suite',
    });
    const m = await worker.waitForOutput(/PIDS (\d+) (\d+)/, 60_000);
    const pids = [Number(m[1]), Number(m[2])];
    const code = await worker.exited;
    expect(code).not.toBe(0);
    expect(worker.output()).toContain('simulated test failure');
    await waitUntil('children gone', async () => pids.every((p) => !alive(p)), {
      timeoutMs: 5_000,
    });
  });

  it.runIf(canRunApacheKafka() && which('setpriv') !== undefined)(
    'kills the Kafka broker when the test process is SIGKILLed (no exit hook runs then)',
    async () => {
      const worker = startProcess({
        entry: 'libs/testing/src/test-support/crashing-suite.ts',
        args: ['hang'],
        name: 'hanging suite',
      });
      const m = await worker.waitForOutput(/PIDS (\d+) (\d+)/, 60_000);
      const broker = Number(m[2]);
      expect(alive(broker)).toBe(true);
      // Only the worker: the broker runs in its own process group.
      process.kill(worker.pid, 'SIGKILL');
      await worker.exited;
      await waitUntil('broker gone', async () => !alive(broker), { timeoutMs: 5_000 });
    },
  );
});

describe('missing dependencies', () => {
  it('names the package and the install command when kcat is missing', async () => {
    const saved = process.env['PATH'];
    process.env['PATH'] = '/nonexistent';
    try {
      const err = await startKafkaMock().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissingDependencyError);
      expect((err as Error).message).toContain('kcat');
      expect((err as Error).message).toContain('apt-get install -y kcat');
    } finally {
      process.env['PATH'] = saved;
    }
  });

  it('under CI, refuses to fall back to the mock when java and mvn are missing', async () => {
    const saved = {
      path: process.env['PATH'],
      ci: process.env['CI'],
      ext: process.env['KEEL_TEST_KAFKA_BROKERS'],
    };
    process.env['PATH'] = '/nonexistent';
    process.env['CI'] = 'true';
    delete process.env['KEEL_TEST_KAFKA_BROKERS'];
    try {
      const err = await startTestKafka().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MissingDependencyError);
      expect((err as Error).message).toContain('apt-get install -y openjdk-17-jre-headless maven');
    } finally {
      process.env['PATH'] = saved.path;
      if (saved.ci === undefined) delete process.env['CI'];
      else process.env['CI'] = saved.ci;
      if (saved.ext !== undefined) process.env['KEEL_TEST_KAFKA_BROKERS'] = saved.ext;
    }
  });
});
