// Signing throughput, three layers in one run on anvil `--block-time 1 --mixed-mining`:
//   L0    local signatures per second (viem local account signing an EIP-1559 transaction);
//   L2    raw chain throughput: pre-signed token transfers from one sender, mined per second;
//   Keel  end to end over HTTP through the seven signing-flow services as processes, mined
//         operations per second from one signer at BENCH_INFLIGHT (256) in flight, with
//         p50/p95/p99 per stage from each operation's status history.
// After the stages it prints each service's CPU time and PostgreSQL queries per operation during
// the Keel phase (process-stats.cjs preloaded into the services; BENCH_PROCESS_STATS=0 turns it
// off) and the CPU per operation of the stack's PostgreSQL backends, anvil and the Kafka mock.
// Keel runs `token.transfer` from the key-guardian signer (registered as a verified holder
// with a balance) to the verified investors; L2 runs `transfer` from alice (an investor).
//
//   npm run bench:signing
//   (= SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/signing/signing-throughput.ts)
//   BENCH_N (Keel operations, default 1000), BENCH_L2_N (default 2000), BENCH_L0_N (default
//   2000), BENCH_INFLIGHT (default 256), BENCH_IDLE_SECONDS (the idle CPU window before the Keel
//   phase, default 5). CI runs it with a small N as the `bench` phase of `npm test`
//   (infra/scripts/test-all.mjs): a check that it works, not a measurement. It exits non-zero
//   when an operation does not complete; the Keel ÷ L2 target is reported, never asserted.
import { cpus, tmpdir, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { encodeFunctionData, type Hex, parseGwei } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import {
  isTerminal,
  stackTokenAbi,
  startSigningStack,
} from '../../services/gateway/src/e2e/test-support/concurrency-stack';

const env = (k: string, d: number): number => Number(process.env[k] ?? d);
const N = env('BENCH_N', 1000);
const L2_N = env('BENCH_L2_N', 2000);
const L0_N = env('BENCH_L0_N', 2000);
const INFLIGHT = env('BENCH_INFLIGHT', 256);
const IDLE_SECONDS = env('BENCH_IDLE_SECONDS', 5);
const STAGES = [
  'RECEIVED',
  'QUEUED',
  'PREPARING',
  'SIGNING',
  'BROADCASTING',
  'CONFIRMING',
  'COMPLETED',
] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A 503 (a dependency busy past its timeout) is retryable: same Idempotency-Key, same operation. */
async function submitWithRetry(submit: () => Promise<string>): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await submit();
    } catch (err) {
      if (attempt >= 5 || !String(err).includes('submit 503')) throw err;
      await sleep(500 * attempt);
    }
  }
}

// Per-service CPU time and PostgreSQL queries during the Keel phase (process-stats.cjs,
// preloaded into every service process; BENCH_PROCESS_STATS=0 turns it off).
const statsFile = join(tmpdir(), `keel-bench-stats-${process.pid}.jsonl`);
if (process.env['BENCH_PROCESS_STATS'] !== '0') {
  process.env['BENCH_STATS_FILE'] = statsFile;
  process.env['NODE_OPTIONS'] =
    `${process.env['NODE_OPTIONS'] ?? ''} -r ${join(__dirname, 'process-stats.cjs')}`.trim();
}

interface ProcessStats {
  name: string;
  cpuUserMs: number;
  cpuSystemMs: number;
  queries: number;
  /** Inbox transactions by the records they held (process-stats.cjs). */
  batches?: Record<string, number>;
}

/**
 * CPU time (Linux /proc, user + system) of the infrastructure around the services during the
 * Keel phase: anvil, the Kafka mock cluster and the PostgreSQL backends serving the stack's
 * databases. Sampled every second, so a backend that exits between samples loses its last
 * second (pools keep theirs open).
 */
class InfraCpu {
  private readonly first = new Map<number, number>();
  private readonly last = new Map<number, { group: string; ms: number }>();
  private readonly tick = 1000 / 100; // ms per clock tick (USER_HZ = 100 on Linux)
  private started = false;

  constructor(
    private readonly pids: ReadonlyMap<string, number>,
    private readonly databases: readonly string[],
  ) {}

  private cpuOf(pid: number): number | null {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(f[11]) + Number(f[12])) * this.tick;
    } catch {
      return null;
    }
  }

  sample(): void {
    const seen: [number, string][] = [...this.pids].map(([name, pid]) => [pid, name]);
    try {
      for (const entry of readdirSync('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        let cmd: string;
        try {
          cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        if (cmd.startsWith('postgres: ') && this.databases.some((d) => cmd.includes(` ${d} `)))
          seen.push([Number(entry), 'postgresql']);
      }
    } catch {
      /* no /proc: infrastructure CPU is not reported */
    }
    for (const [pid, group] of seen) {
      const ms = this.cpuOf(pid);
      if (ms === null) continue;
      if (!this.first.has(pid)) this.first.set(pid, this.started ? 0 : ms);
      this.last.set(pid, { group, ms });
    }
    this.started = true;
  }

  totals(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [pid, { group, ms }] of this.last)
      out.set(group, (out.get(group) ?? 0) + ms - (this.first.get(pid) ?? 0));
    return out;
  }
}

function printProcessStats(
  operations: number,
  seconds: number,
  infra: ReadonlyMap<string, number>,
): void {
  if (!existsSync(statsFile) || operations === 0) return;
  const stats = readFileSync(statsFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProcessStats)
    .sort((a, b) => a.name.localeCompare(b.name));
  rmSync(statsFile, { force: true });
  const row = (name: string, ms: number, queries?: number): void =>
    console.log(
      `${name.padEnd(40)} ${(ms / operations).toFixed(1).padStart(9)}  ${((100 * ms) / 1000 / seconds).toFixed(0).padStart(6)}` +
        (queries === undefined ? '' : `  ${(queries / operations).toFixed(1).padStart(10)}`),
    );
  console.log(
    `\nService (Keel phase: ${operations} operations, ${seconds.toFixed(1)} s)  CPU ms/op  busy %  queries/op`,
  );
  let cpu = 0;
  let queries = 0;
  for (const s of stats) {
    const ms = s.cpuUserMs + s.cpuSystemMs;
    cpu += ms;
    queries += s.queries;
    row(s.name, ms, s.queries);
  }
  row('all services', cpu, queries);
  for (const [group, ms] of [...infra].sort((a, b) => b[1] - a[1])) row(group, ms);
  console.log(
    `\nBatches seen (inbox transactions; KEEL_BUS_BATCH_MAX_RECORDS=${process.env['KEEL_BUS_BATCH_MAX_RECORDS'] ?? 'default'})  transactions  records/tx  largest  records by batch size`,
  );
  for (const s of stats) {
    const sizes = Object.entries(s.batches ?? {}).map(([size, n]) => [Number(size), n] as const);
    const transactions = sizes.reduce((t, [, n]) => t + n, 0);
    if (transactions === 0) continue;
    const records = sizes.reduce((t, [size, n]) => t + size * n, 0);
    // Where the records went: alone, in batches of 2–9, of 10 or more.
    const share = (from: number, to: number) =>
      sizes.filter(([size]) => size >= from && size <= to).reduce((t, [size, n]) => t + size * n, 0);
    const pct = (n: number) => `${((100 * n) / records).toFixed(0)} %`;
    console.log(
      `${s.name.padEnd(40)} ${String(transactions).padStart(12)}  ${(records / transactions).toFixed(2).padStart(10)}  ${String(Math.max(...sizes.map(([size]) => size))).padStart(7)}  ` +
        `1: ${pct(share(1, 1))}, 2–9: ${pct(share(2, 9))}, ≥10: ${pct(share(10, Infinity))}`,
    );
  }
}

async function main(): Promise<void> {
  const stack = await startSigningStack({ mining: { kind: 'mixed', blockTime: 1 } });
  let keelOps = 0;
  let keelSeconds = 0;
  let infraCpu = new Map<string, number>();
  try {
    const { anvil, client, token } = stack;

    // L0: local signatures per second.
    const l0Account = privateKeyToAccount(anvil.accounts[4]!.privateKey);
    const data = encodeFunctionData({
      abi: stackTokenAbi,
      functionName: 'transfer',
      args: [stack.bob.address, 1n],
    });
    const l0Start = performance.now();
    for (let i = 0; i < L0_N; i++)
      await l0Account.signTransaction({
        chainId: anvil.chainId,
        type: 'eip1559',
        nonce: i,
        to: token,
        data,
        gas: 200_000n,
        maxFeePerGas: parseGwei('20'),
        maxPriorityFeePerGas: parseGwei('1'),
      });
    const l0 = L0_N / ((performance.now() - l0Start) / 1000);
    console.log(`L0 local signatures: ${l0.toFixed(0)}/s (${L0_N})`);

    // L2: pre-signed token transfers alice -> bob, sent at once, mined per second.
    const alice = stack.alice;
    const gas = await client.estimateContractGas({
      address: token,
      abi: stackTokenAbi,
      functionName: 'transfer',
      args: [stack.bob.address, 1n],
      account: alice,
    });
    const base = await client.getTransactionCount({ address: alice.address });
    const signed: Hex[] = [];
    for (let i = 0; i < L2_N; i++)
      signed.push(
        await alice.signTransaction({
          chainId: anvil.chainId,
          type: 'eip1559',
          nonce: base + i,
          to: token,
          data,
          gas: (gas * 3n) / 2n,
          maxFeePerGas: parseGwei('50'),
          maxPriorityFeePerGas: parseGwei('1'),
        }),
      );
    const startBlock = await client.getBlockNumber();
    const l2Start = performance.now();
    const hashes: Hex[] = [];
    for (let i = 0; i < signed.length; i += 100)
      hashes.push(
        ...(await Promise.all(
          signed
            .slice(i, i + 100)
            .map((serializedTransaction) => client.sendRawTransaction({ serializedTransaction })),
        )),
      );
    // Waits until the sender's mined nonce passes the last transfer; a pool that stops making
    // progress (anvil 1.7.1's mixed mining once left a sender's next nonces "queued" behind
    // an account nonce that had caught up) is reported instead of waited out.
    const end = base + L2_N;
    let seen = base;
    let progressAt = performance.now();
    for (;;) {
      const mined = await client.getTransactionCount({ address: alice.address });
      if (mined >= end) break;
      if (mined > seen) [seen, progressAt] = [mined, performance.now()];
      else if (performance.now() - progressAt > 30_000) {
        const pool = await client.request({ method: 'txpool_status' as never }).catch(() => null);
        throw new Error(
          `L2 stalled: the sender's nonce has stayed at ${mined} (of ${end}) for 30 s; ` +
            `anvil's pool: ${JSON.stringify(pool)}. Re-run the benchmark.`,
        );
      }
      await sleep(100);
    }
    const last = await client.getTransactionReceipt({ hash: hashes[hashes.length - 1]! });
    const l2Secs = (performance.now() - l2Start) / 1000;
    const l2 = L2_N / l2Secs;
    const blocks = Number(last.blockNumber - startBlock);
    console.log(
      `L2 raw mined transfers: ${l2.toFixed(1)}/s (${L2_N} in ${l2Secs.toFixed(2)} s, ${blocks} blocks)`,
    );

    // Keel end to end, BENCH_INFLIGHT operations in flight. Progress is read with the list
    // endpoint (200 operations with their history per request) rather than one GET per
    // operation, so the driver's own HTTP load stays small; the end of the run is the last
    // operation's COMPLETED timestamp from its history, not when the driver noticed it.
    const recipients = [stack.alice.address, stack.bob.address, stack.carol.address];
    const views = new Map<string, NonNullable<Awaited<ReturnType<typeof stack.get>>>>();
    const submittedIds = new Set<string>();
    let next = 0;
    // What the stack costs doing nothing (consumers' long polls, relays' idle reads, timers):
    // part of every CPU-per-operation figure below, whatever the number of operations.
    const idle = new InfraCpu(
      new Map([...stack.servicePids(), ...stack.infrastructurePids()]),
      stack.databases(),
    );
    idle.sample();
    await sleep(IDLE_SECONDS * 1000);
    idle.sample();
    console.log(
      `Idle CPU, ${IDLE_SECONDS} s before the Keel phase (ms per second): ` +
        [...idle.totals()]
          .sort((x, y) => x[0].localeCompare(y[0]))
          .map(([name, ms]) => `${name} ${(ms / IDLE_SECONDS).toFixed(0)}`)
          .join(', '),
    );

    // Marks the start of the Keel phase in every service (CPU time and queries from here).
    for (const pid of stack.servicePids().values()) {
      try {
        if (process.env['BENCH_STATS_FILE']) process.kill(pid, 'SIGUSR2');
      } catch {
        /* a service that is not running reports nothing */
      }
    }
    const infra = new InfraCpu(stack.infrastructurePids(), stack.databases());
    infra.sample();
    const keelStartWall = Date.now();
    const keelStart = performance.now();
    let inflight = new Set<string>();
    while (views.size < N) {
      while (inflight.size < INFLIGHT && next < N) {
        const batch = Math.min(INFLIGHT - inflight.size, N - next, 64);
        const ids = await Promise.all(
          Array.from({ length: batch }, (_, j) => {
            const i = next + j;
            return submitWithRetry(() =>
              stack.submit(
                'token.transfer',
                { asset: token, to: recipients[i % 3], amount: '1' },
                `bench-${i}`,
              ),
            );
          }),
        );
        next += batch;
        if (next === N)
          console.log(
            `  all ${N} submitted (HTTP 202) ${((performance.now() - keelStart) / 1000).toFixed(1)} s after the first`,
          );
        for (const id of ids) {
          submittedIds.add(id);
          inflight.add(id);
        }
      }
      await sleep(1_000);
      infra.sample();
      // Only pages down to the oldest operation still in flight (ids grow with submission).
      const oldest = [...inflight].sort()[0];
      for (const v of await stack.list(oldest ? { downTo: oldest } : {}))
        if (submittedIds.has(v.id) && isTerminal(v)) views.set(v.id, v);
      inflight = new Set([...inflight].filter((id) => !views.has(id)));
      if ((performance.now() - keelStart) / 1000 > 60 + N * 2)
        throw new Error('Keel run timed out');
    }
    const completed = [...views.values()].filter((v) => v.status === 'COMPLETED');
    const lastDone = Math.max(...[...views.values()].map((v) => Date.parse(v.history.at(-1)!.at)));
    const keelSecs = (lastDone - keelStartWall) / 1000;
    const keel = completed.length / keelSecs;
    keelOps = completed.length;
    keelSeconds = (Date.now() - keelStartWall) / 1000;
    infra.sample();
    infraCpu = infra.totals();
    console.log(
      `Keel end to end: ${keel.toFixed(1)} mined operations/s (${completed.length}/${N} COMPLETED in ${keelSecs.toFixed(1)} s, ${INFLIGHT} in flight)`,
    );
    const spread = (label: string, at: number[]) => {
      at.sort((x, y) => x - y);
      console.log(
        `  ${label} (s after the first submit): first ${((at[0]! - keelStartWall) / 1000).toFixed(1)}, p50 ${((pct(at, 50) - keelStartWall) / 1000).toFixed(1)}, last ${((at.at(-1)! - keelStartWall) / 1000).toFixed(1)}`,
      );
    };
    spread(
      'RECEIVED',
      completed.map((v) => Date.parse(v.history[0]!.at)),
    );
    spread(
      'COMPLETED',
      completed.map((v) => Date.parse(v.history.at(-1)!.at)),
    );
    const statusCounts: Record<string, number> = {};
    for (const v of views.values()) statusCounts[v.status] = (statusCounts[v.status] ?? 0) + 1;
    if (completed.length < N) {
      // Not a measurement: a run where an operation did not complete is a failure (CI runs this).
      console.log(`  terminal statuses: ${JSON.stringify(statusCounts)}`);
      process.exitCode = 1;
    }

    console.log('\nStage (from -> to)            p50 ms   p95 ms   p99 ms');
    const rows: string[] = [];
    for (let s = 0; s < STAGES.length - 1; s++) {
      const from = STAGES[s]!;
      const to = STAGES[s + 1]!;
      const d: number[] = [];
      for (const v of completed) {
        const a = v.history.find((h) => h.status === from);
        const b = v.history.find((h) => h.status === to);
        if (a && b) d.push(Date.parse(b.at) - Date.parse(a.at));
      }
      d.sort((x, y) => x - y);
      const row = `${`${from} -> ${to}`.padEnd(28)} ${pct(d, 50).toFixed(0).padStart(7)}  ${pct(d, 95).toFixed(0).padStart(7)}  ${pct(d, 99).toFixed(0).padStart(7)}`;
      rows.push(row);
      console.log(row);
    }
    const total = completed
      .map((v) => Date.parse(v.history.at(-1)!.at) - Date.parse(v.history[0]!.at))
      .sort((x, y) => x - y);
    console.log(
      `${'RECEIVED -> COMPLETED'.padEnd(28)} ${pct(total, 50).toFixed(0).padStart(7)}  ${pct(total, 95).toFixed(0).padStart(7)}  ${pct(total, 99).toFixed(0).padStart(7)}`,
    );
    console.log(`\nKeel / L2 = ${(keel / l2).toFixed(3)} (target >= 0.5)`);
    let anvilVersion = '?';
    try {
      anvilVersion = execFileSync('npx', ['anvil', '--version'], { encoding: 'utf8' })
        .split('\n')[0]!
        .trim();
    } catch {
      /* version is informational */
    }
    console.log(
      `machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}, ${anvilVersion}`,
    );
  } catch (err) {
    if (process.env['BENCH_DEBUG']) console.error(stack.logs());
    throw err;
  } finally {
    await stack.stop();
  }
  printProcessStats(keelOps, keelSeconds, infraCpu);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
