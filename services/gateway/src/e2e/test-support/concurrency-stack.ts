// The signing-flow stack for the concurrency test and the signing benchmark: anvil with the
// Keel system deployed, the Kafka mock cluster, PostgreSQL, and the seven services as
// processes. A key-guardian wallet is funded, holds the token's supply-management role, and is
// a verified holder (registerHolder) with SIGNER_BALANCE tokens.
import type { OperationView } from '@keel/operations';
import {
  type AnvilHandle,
  BenchChain,
  createTestDatabase,
  deployKeel,
  freePort,
  type ManagedProcess,
  type MiningMode,
  startAnvil,
  startKafkaMock,
  startProcess,
  type TestDatabaseHandle,
  testInternalHeaders,
  waitUntil,
} from '@keel/testing';
import {
  type Address,
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseAbi,
  parseEther,
  type PublicClient,
  toHex,
} from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

export const STACK_ADMIN_KEY = `keel_e2eadmin_${'c'.repeat(43)}`;
const ORG = 'org-conc';
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
  /** Every operation of the organization with its history (all pages of the list endpoint). */
  list(): Promise<OperationView[]>;
  logs(): string;
  stop(): Promise<void>;
}

const TERMINAL = ['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED'];
export const isTerminal = (op: OperationView | null): boolean =>
  op !== null && TERMINAL.includes(op.status);

export async function startSigningStack(opts: { mining?: MiningMode } = {}): Promise<SigningStack> {
  const [anvil, kafka] = await Promise.all([
    startAnvil({ accounts: 5, ...(opts.mining ? { mining: opts.mining } : {}) }),
    startKafkaMock({ brokers: 1 }),
  ]);
  const dbs: TestDatabaseHandle[] = [];
  const services = new Map<string, { proc: ManagedProcess; port: number }>();
  const stop = async (): Promise<void> => {
    for (const { proc } of services.values()) await proc.stop();
    await kafka.stop();
    await anvil.stop();
    for (const d of dbs) await d.drop();
  };
  const logs = (): string =>
    [...services.entries()].map(([n, s]) => `--- ${n}\n${s.proc.output().slice(-1500)}`).join('\n');
  try {
    const [admin, claimSigner, a, b, carol] = anvil.accounts.map((x) =>
      privateKeyToAccount(x.privateKey),
    );
    if (!admin || !claimSigner || !a || !b || !carol) throw new Error('too few anvil accounts');
    const keel = await deployKeel(new BenchChain(anvil.rpcUrl), {
      admin,
      claimSigner,
      alice: a,
      bob: b,
      carol,
    });
    const token = (await keel.createToken('conc', [])).address;
    const db = async (name: string): Promise<string> => {
      const h = await createTestDatabase({ prefix: `conc_${name.replace(/-/g, '_')}` });
      dbs.push(h);
      return h.url;
    };
    const start = async (name: string, env: Record<string, string>): Promise<void> => {
      const port = await freePort();
      const proc = startProcess({
        entry: `services/${name}/src/main.ts`,
        name,
        env: {
          KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
          KEEL_LOG_LEVEL: 'warn',
          KEEL_HTTP_PORT: String(port),
          ...env,
        },
      });
      services.set(name, { proc, port });
    };
    const ready = async (name: string): Promise<void> => {
      const s = services.get(name)!;
      const probe = async (path: string) =>
        (await fetch(`http://127.0.0.1:${s.port}${path}`).catch(() => null))?.ok ?? false;
      await waitUntil(
        name,
        async () => (await probe('/health/ready')) || (await probe('/health')),
        {
          timeoutMs: 120_000,
        },
      ).catch((err: unknown) => {
        throw new Error(`${(err as Error).message}\n${s.proc.output().slice(-4000)}`);
      });
    };
    const rpc = `${anvil.chainId}=${anvil.rpcUrl}`;
    const [rcDb, engineDb, signerDb, guardianDb, chainDb] = await Promise.all(
      [
        'request-controls',
        'execution-engine',
        'transaction-signer',
        'key-guardian',
        'chain-gateway',
      ].map(db),
    );
    await start('request-controls', {
      KEEL_DATABASE_URL: rcDb!,
      KEEL_BOOTSTRAP_ADMIN_KEY: STACK_ADMIN_KEY,
      KEEL_BOOTSTRAP_ORGANIZATION: ORG,
    });
    await start('execution-engine', {
      KEEL_DATABASE_URL: engineDb!,
      KEEL_CHAIN_ID: String(anvil.chainId),
    });
    await start('compliance-simulator', {
      KEEL_RPC_URL: anvil.rpcUrl,
      KEEL_CHAIN_ID: String(anvil.chainId),
    });
    await start('key-guardian', {
      KEEL_DATABASE_URL: guardianDb!,
      KEEL_KEYSTORE_MASTER_KEY: keccak256(toHex('concurrency master key')).slice(2),
    });
    await start('transaction-signer', { KEEL_DATABASE_URL: signerDb!, KEEL_CHAIN_RPC_URLS: rpc });
    await start('chain-gateway', {
      KEEL_DATABASE_URL: chainDb!,
      KEEL_CHAIN_RPC_URLS: rpc,
      KEEL_CONFIRMATIONS: '1',
    });
    for (const name of ['request-controls', 'execution-engine', 'compliance-simulator'])
      await ready(name);
    const port = (n: string) => services.get(n)!.port;
    await start('gateway', {
      KEEL_REQUEST_CONTROLS_URL: `http://127.0.0.1:${port('request-controls')}`,
      KEEL_EXECUTION_ENGINE_URL: `http://127.0.0.1:${port('execution-engine')}`,
      KEEL_COMPLIANCE_SIMULATOR_URL: `http://127.0.0.1:${port('compliance-simulator')}`,
    });
    for (const name of ['key-guardian', 'transaction-signer', 'chain-gateway', 'gateway'])
      await ready(name);
    const gatewayUrl = `http://127.0.0.1:${port('gateway')}`;

    const created = await fetch(`http://127.0.0.1:${port('key-guardian')}/internal/v1/wallets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...testInternalHeaders },
      body: JSON.stringify({ organizationId: ORG, label: 'issuer' }),
    });
    if (created.status !== 201) throw new Error(`wallet creation: ${created.status}`);
    const signer = ((await created.json()) as { address: Address }).address;
    const client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
    const wallet = createWalletClient({
      chain: { ...foundry, id: anvil.chainId },
      transport: http(anvil.rpcUrl),
      account: admin,
    });
    await client.waitForTransactionReceipt({
      hash: await wallet.sendTransaction({ to: signer, value: parseEther('100') }),
    });
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: token,
        abi: stackTokenAbi,
        functionName: 'grantRole',
        args: [keccak256(toHex('keel.role.supply-management')), signer],
      }),
    });

    // The signer as a verified holder (its own investor identity) holding SIGNER_BALANCE, so
    // `token.transfer` from it passes the identity check and the compliance simulation.
    await keel.registerHolder(signer);
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: token,
        abi: stackTokenAbi,
        functionName: 'grantRole',
        args: [keccak256(toHex('keel.role.supply-management')), admin.address],
      }),
    });
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({
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
      alice: a,
      bob: b,
      carol,
      async submit(type, params, key) {
        const res = await fetch(`${gatewayUrl}/api/v1/operations`, {
          method: 'POST',
          headers: { ...headers, 'idempotency-key': key },
          body: JSON.stringify({ type, params, signer }),
        });
        const body = (await res.json()) as { operationId: string };
        if (res.status !== 202) throw new Error(`submit ${res.status}: ${JSON.stringify(body)}`);
        return body.operationId;
      },
      async get(id) {
        const res = await fetch(`${gatewayUrl}/api/v1/operations/${id}`, { headers });
        return res.status === 200 ? ((await res.json()) as OperationView) : null;
      },
      async list() {
        const out: OperationView[] = [];
        let cursor: string | null = null;
        do {
          const q = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
          const res = await fetch(`${gatewayUrl}/api/v1/operations?${q.toString()}`, { headers });
          if (res.status !== 200) throw new Error(`list ${res.status}: ${await res.text()}`);
          const page = (await res.json()) as { items: OperationView[]; nextCursor: string | null };
          out.push(...page.items);
          cursor = page.nextCursor;
        } while (cursor);
        return out;
      },
      logs,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
