// The signing-flow stack for the concurrency test and the signing benchmark: the shared e2e
// stack (anvil with the Keel system deployed, the Kafka mock cluster, PostgreSQL, the seven
// services as processes; see e2e-stack.ts) plus a token whose supply-management role the
// key-guardian wallet holds, the wallet funded with 100 ETH and a verified holder
// (registerHolder) with SIGNER_BALANCE tokens.
import type { OperationView } from '@keel/operations';
import type { AnvilHandle, KafkaNode, MiningMode } from '@keel/testing';
import { type Address, keccak256, parseAbi, parseEther, type PublicClient, toHex } from 'viem';
import type { PrivateKeyAccount } from 'viem/accounts';
import { ADMIN_KEY, startE2eStack, TERMINAL } from './e2e-stack';

/** The bootstrap admin key of the stack (the shared e2e stack's). */
export const STACK_ADMIN_KEY = ADMIN_KEY;
export const stackTokenAbi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
  'function grantRole(bytes32 role, address account)',
  'function transfer(address to, uint256 amount) returns (bool)',
  'function mint(address to, uint256 amount)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);

/** The signer's token balance at start (it is a verified holder). */
export const SIGNER_BALANCE = 10n ** 24n;

export interface SigningStack {
  anvil: AnvilHandle;
  client: PublicClient;
  gatewayUrl: string;
  token: Address;
  signer: Address;
  /** Verified investors of the deployment (anvil accounts 2..4). */
  alice: PrivateKeyAccount;
  bob: PrivateKeyAccount;
  carol: PrivateKeyAccount;
  submit(type: string, params: Record<string, unknown>, key: string): Promise<string>;
  get(id: string): Promise<OperationView | null>;
  /**
   * Operations of the organization with their history, newest first (the list endpoint's
   * pages). With `downTo`, paging stops at the first page that reaches below that id (ids grow
   * with submission time), so a driver following recent operations reads a page or two.
   */
  list(opts?: { downTo?: string }): Promise<OperationView[]>;
  /** Process id of each service (name → pid). */
  servicePids(): ReadonlyMap<string, number>;
  /** Process ids of the infrastructure: `anvil` and each Kafka node (`kafka-1`, …; none for an external broker). */
  infrastructurePids(): ReadonlyMap<string, number>;
  /** The PostgreSQL database of each service (names, for per-backend accounting). */
  databases(): readonly string[];
  /** A second instance of a service (same database and groups); resolves with its name once ready. */
  startReplica(name: string): Promise<string>;
  /** SIGKILLs a service instance (no shutdown hooks run) and does not start it again. */
  kill(name: string): Promise<void>;
  /** The nodes of the local Apache Kafka cluster, to kill and restart (none for an external broker or the mock). */
  kafkaNodes(): readonly KafkaNode[];
  logs(): string;
  stop(): Promise<void>;
}

export const isTerminal = (op: OperationView | null): boolean =>
  op !== null && TERMINAL.includes(op.status);

export async function startSigningStack(opts: { mining?: MiningMode } = {}): Promise<SigningStack> {
  const stack = await startE2eStack({
    prefix: 'conc',
    ...(opts.mining ? { mining: opts.mining } : {}),
  });
  try {
    const { anvil, client, gatewayUrl, keel, admin, adminWallet, signerWallet: signer } = stack;
    const token = (await keel.createToken('conc', [])).address;
    // The stack funds the signer with 10 ETH; a long benchmark run needs more gas money.
    await client.waitForTransactionReceipt({
      hash: await adminWallet.sendTransaction({
        chain: adminWallet.chain,
        account: admin,
        to: signer,
        value: parseEther('90'),
      }),
    });
    const supply = keccak256(toHex('keel.role.supply-management'));
    await stack.adminWrite(token, 'grantRole', [supply, signer]);
    // The signer as a verified holder (its own investor identity) holding SIGNER_BALANCE, so
    // `token.transfer` from it passes the identity check and the compliance simulation.
    await keel.registerHolder(signer);
    await stack.adminWrite(token, 'grantRole', [supply, admin.address]);
    await client.waitForTransactionReceipt({
      hash: await adminWallet.writeContract({
        chain: adminWallet.chain,
        account: admin,
        address: token,
        abi: stackTokenAbi,
        functionName: 'mint',
        args: [signer, SIGNER_BALANCE],
      }),
    });

    const headers = { 'content-type': 'application/json', 'x-api-key': STACK_ADMIN_KEY };
    return {
      anvil,
      client,
      gatewayUrl,
      token,
      signer,
      alice: stack.alice,
      bob: stack.bob,
      carol: stack.carol,
      submit: (type, params, key) => stack.submit(type, params, key),
      async get(id) {
        const res = await fetch(`${gatewayUrl}/api/v1/operations/${id}`, { headers });
        return res.status === 200 ? ((await res.json()) as OperationView) : null;
      },
      async list(opts = {}) {
        const out: OperationView[] = [];
        let cursor: string | null = null;
        do {
          if (opts.downTo && cursor && cursor < opts.downTo) break;
          const q = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
          const res = await fetch(`${gatewayUrl}/api/v1/operations?${q.toString()}`, { headers });
          if (res.status !== 200) throw new Error(`list ${res.status}: ${await res.text()}`);
          const page = (await res.json()) as { items: OperationView[]; nextCursor: string | null };
          out.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        return out;
      },
      servicePids: () =>
        new Map([...stack.services.entries()].map(([n, s]) => [n, s.proc.pid] as const)),
      infrastructurePids: () =>
        new Map<string, number>([
          ['anvil', stack.anvil.process.pid],
          ...stack.kafka.processes.map((p, i) => [`kafka-${i + 1}`, p.pid] as const),
        ]),
      kafkaNodes: () => stack.kafka.nodes,
      startReplica: (name) => stack.startReplica(name),
      async kill(name) {
        const s = stack.services.get(name)!;
        s.proc.kill('SIGKILL');
        await s.proc.exited;
        stack.services.delete(name);
      },
      databases: () =>
        [...stack.services.values()]
          .map((s) => s.env['KEEL_DATABASE_URL'])
          .filter((u): u is string => Boolean(u))
          .map((u) => new URL(u).pathname.slice(1)),
      logs: () =>
        [...stack.services.entries()]
          .map(([n, s]) => `--- ${n}\n${s.proc.output().slice(-1500)}`)
          .join('\n'),
      stop: () => stack.stop(),
    };
  } catch (err) {
    await stack.stop();
    throw err;
  }
}
