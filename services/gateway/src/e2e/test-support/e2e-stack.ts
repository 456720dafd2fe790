import type { OperationView } from '@keel/operations';
import {
  type AnvilHandle,
  BenchChain,
  createTestDatabase,
  deployKeel,
  freePort,
  type TestKafka,
  type KeelPlatform,
  type ManagedProcess,
  type MiningMode,
  startAnvil,
  startTestKafka,
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
  type WalletClient,
} from 'viem';
import { type PrivateKeyAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

// The signing flow's seven services as separate processes over the Kafka mock cluster,
// against anvil (the real Keel system from `deployKeel`) and PostgreSQL: shared by the
// end-to-end specs of this folder.

export const ADMIN_KEY = `keel_e2eadmin_${'z'.repeat(43)}`;
export const ORG = 'org-e2e';
export const TERMINAL = ['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED'];

export const tokenAbi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function grantRole(bytes32 role, address account)',
  'function hasRole(bytes32 role, address account) view returns (bool)',
  'function compliance() view returns (address)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function paused() view returns (bool)',
  'function isFrozen(address) view returns (bool)',
  'function getFrozenTokens(address) view returns (uint256)',
  'function totalSupply() view returns (uint256)',
]);

/**
 * Pacing for the specs (the benchmark's stack keeps the services' defaults): anvil mines each
 * transaction at once, so chain-gateway's production receipt poll (1 s) only adds waiting to
 * every step of every operation; 200 ms, as the services' own integration specs poll.
 * KEEL_POLL_INTERVAL_MS is chain-gateway's alone among the stack's services.
 */
export const SPEC_POLLING: Readonly<Record<string, string>> = { KEEL_POLL_INTERVAL_MS: '200' };

/** The on-chain role hash of a Keel token role (`keel.role.<name>`). */
export const roleHash = (name: string): `0x${string}` => keccak256(toHex(`keel.role.${name}`));

interface Service {
  proc: ManagedProcess;
  port: number;
  env: Record<string, string>;
}

export interface E2eStack {
  readonly anvil: AnvilHandle;
  readonly kafka: TestKafka;
  readonly keel: KeelPlatform;
  readonly client: PublicClient;
  /** Deploys and administers everything on chain (anvil account 0). */
  readonly admin: PrivateKeyAccount;
  readonly adminWallet: WalletClient;
  readonly alice: PrivateKeyAccount;
  readonly bob: PrivateKeyAccount;
  readonly carol: PrivateKeyAccount;
  readonly services: Map<string, Service>;
  readonly gatewayUrl: string;
  /** A wallet created in key-guardian for ORG, funded with 10 ETH for gas; no role yet. */
  readonly signerWallet: Address;
  port(name: string): number;
  /** POST /api/v1/operations as the bootstrap admin key; expects 202, returns the id. */
  submit(
    type: string,
    params: Record<string, unknown>,
    idempotencyKey: string,
    signer?: Address,
  ): Promise<string>;
  /** GET /api/v1/operations/{id} until a terminal status (service logs on timeout). */
  terminal(id: string): Promise<OperationView>;
  statusOf(id: string): Promise<string | null>;
  /** SIGKILL a service (no shutdown hooks run) and start it again with the same configuration. */
  killAndRestart(name: string): Promise<void>;
  /**
   * Starts a second instance of a service: the same configuration (database, consumer groups)
   * on its own HTTP port, as a second replica of a deployment. Resolves with its name in
   * `services` (`<name>#2`) once it is ready.
   */
  startReplica(name: string): Promise<string>;
  /** An admin transaction to a token (grantRole, ...), waited for. */
  adminWrite(
    address: Address,
    functionName: 'grantRole',
    args: readonly [`0x${string}`, Address],
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startE2eStack(
  options: {
    prefix?: string;
    /** Extra environment for every service (e.g. KEEL_TELEMETRY, KEEL_LOG_LEVEL). */
    env?: Record<string, string>;
    /** Anvil's mining mode (default: a block per transaction). */
    mining?: MiningMode;
    /** Extra environment for key-guardian only (e.g. the secrets custody credential references name). */
    keyGuardianEnv?: Record<string, string>;
  } = {},
): Promise<E2eStack> {
  const prefix = options.prefix ?? 'e2e';
  const [anvil, kafka] = await Promise.all([
    startAnvil({ accounts: 5, ...(options.mining ? { mining: options.mining } : {}) }),
    startTestKafka(),
  ]);
  const dbs: TestDatabaseHandle[] = [];
  const services = new Map<string, Service>();
  const [admin, claimSigner, alice, bob, carol] = anvil.accounts.map((x) =>
    privateKeyToAccount(x.privateKey),
  );
  if (!admin || !claimSigner || !alice || !bob || !carol)
    throw new Error('anvil gave too few accounts');
  const keel = await deployKeel(new BenchChain(anvil.rpcUrl), {
    admin,
    claimSigner,
    alice,
    bob,
    carol,
  });

  const db = async (name: string): Promise<string> => {
    const handle = await createTestDatabase({ prefix: `${prefix}_${name.replace(/-/g, '_')}` });
    dbs.push(handle);
    return handle.url;
  };
  const start = async (name: string, env: Record<string, string>): Promise<void> => {
    const port = await freePort();
    const fullEnv = {
      KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
      KEEL_LOG_LEVEL: 'warn',
      KEEL_HTTP_PORT: String(port),
      ...options.env,
      ...env,
    };
    const proc = startProcess({ entry: `services/${name}/src/main.ts`, name, env: fullEnv });
    services.set(name, { proc, port, env: fullEnv });
  };
  const ready = async (name: string): Promise<void> => {
    const s = services.get(name)!;
    // Keel services answer /health/ready; the signer-side services answer /health.
    const probe = async (path: string) =>
      (await fetch(`http://127.0.0.1:${s.port}${path}`).catch(() => null))?.ok ?? false;
    await waitUntil(name, async () => (await probe('/health/ready')) || (await probe('/health')), {
      timeoutMs: 120_000,
    }).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${s.proc.output().slice(-4000)}`);
    });
  };
  const port = (name: string): number => services.get(name)!.port;

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
    KEEL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    KEEL_BOOTSTRAP_ORGANIZATION: ORG,
    // Seals the Kafka ingress signing keys of the API keys it issues (test-only value).
    REQUEST_CONTROLS_ENCRYPTION_KEY: Buffer.from(
      keccak256(toHex('e2e request-controls key')).slice(2),
      'hex',
    ).toString('base64'),
  });
  await start('key-guardian', {
    KEEL_DATABASE_URL: guardianDb!,
    KEEL_KEYSTORE_MASTER_KEY: keccak256(toHex('e2e master key')).slice(2),
    ...options.keyGuardianEnv,
  });
  await start('execution-engine', {
    KEEL_DATABASE_URL: engineDb!,
    KEEL_CHAIN_ID: String(anvil.chainId),
    // Plans of system, identity and issuance operations read the chain; claims are signed by key-guardian.
    KEEL_RPC_URL: anvil.rpcUrl,
    KEEL_KEY_GUARDIAN_URL: `http://127.0.0.1:${port('key-guardian')}`,
  });
  await start('compliance-simulator', {
    KEEL_RPC_URL: anvil.rpcUrl,
    KEEL_CHAIN_ID: String(anvil.chainId),
  });
  await start('transaction-signer', { KEEL_DATABASE_URL: signerDb!, KEEL_CHAIN_RPC_URLS: rpc });
  await start('chain-gateway', {
    KEEL_DATABASE_URL: chainDb!,
    KEEL_CHAIN_RPC_URLS: rpc,
    KEEL_CONFIRMATIONS: '1',
  });
  // The gateway calls the others per request (it needs only their addresses to start), so
  // all seven start together.
  await start('gateway', {
    KEEL_REQUEST_CONTROLS_URL: `http://127.0.0.1:${port('request-controls')}`,
    KEEL_EXECUTION_ENGINE_URL: `http://127.0.0.1:${port('execution-engine')}`,
    KEEL_COMPLIANCE_SIMULATOR_URL: `http://127.0.0.1:${port('compliance-simulator')}`,
    KEEL_KEY_GUARDIAN_URL: `http://127.0.0.1:${port('key-guardian')}`,
  });
  for (const name of services.keys()) await ready(name);
  const gatewayUrl = `http://127.0.0.1:${port('gateway')}`;

  // A wallet in key-guardian, funded for gas.
  const created = await fetch(`http://127.0.0.1:${port('key-guardian')}/internal/v1/wallets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...testInternalHeaders },
    body: JSON.stringify({ organizationId: ORG, label: 'issuer' }),
  });
  if (created.status !== 201) throw new Error(`wallet creation: ${created.status}`);
  const signerWallet = ((await created.json()) as { address: Address }).address;
  const client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  const adminWallet = createWalletClient({
    chain: { ...foundry, id: anvil.chainId },
    transport: http(anvil.rpcUrl),
    account: admin,
  });
  await client.waitForTransactionReceipt({
    hash: await adminWallet.sendTransaction({ to: signerWallet, value: parseEther('10') }),
  });

  const getOperation = async (id: string): Promise<OperationView | null> => {
    const res = await fetch(`${gatewayUrl}/api/v1/operations/${id}`, {
      headers: { 'x-api-key': ADMIN_KEY },
    });
    return res.status === 200 ? ((await res.json()) as OperationView) : null;
  };

  return {
    anvil,
    kafka,
    keel,
    client,
    admin,
    adminWallet,
    alice,
    bob,
    carol,
    services,
    gatewayUrl,
    signerWallet,
    port,
    async submit(type, params, idempotencyKey, signer = signerWallet) {
      const res = await fetch(`${gatewayUrl}/api/v1/operations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-api-key': ADMIN_KEY,
          'idempotency-key': idempotencyKey,
        },
        body: JSON.stringify({ type, params, signer }),
      });
      const body = (await res.json()) as { operationId: string };
      if (res.status !== 202) throw new Error(`${type}: ${res.status} ${JSON.stringify(body)}`);
      return body.operationId;
    },
    async terminal(id) {
      let last: OperationView | null = null;
      await waitUntil(
        `operation ${id} terminal`,
        async () => {
          last = await getOperation(id);
          return last !== null && TERMINAL.includes(last.status);
        },
        { timeoutMs: 120_000, intervalMs: 250 },
      ).catch((err: unknown) => {
        const logs = [...services.entries()]
          .map(([n, s]) => `--- ${n}\n${s.proc.output().slice(-1500)}`)
          .join('\n');
        throw new Error(`${(err as Error).message}; last: ${JSON.stringify(last)}\n${logs}`);
      });
      return last!;
    },
    async statusOf(id) {
      return (await getOperation(id))?.status ?? null;
    },
    async killAndRestart(name) {
      const s = services.get(name)!;
      s.proc.kill('SIGKILL');
      await s.proc.exited;
      const proc = startProcess({ entry: `services/${name}/src/main.ts`, name, env: s.env });
      services.set(name, { ...s, proc });
      await ready(name);
    },
    async startReplica(name) {
      const s = services.get(name)!;
      const replica = `${name}#2`;
      const replicaPort = await freePort();
      const env = { ...s.env, KEEL_HTTP_PORT: String(replicaPort) };
      const proc = startProcess({ entry: `services/${name}/src/main.ts`, name: replica, env });
      services.set(replica, { proc, port: replicaPort, env });
      await ready(replica);
      return replica;
    },
    async adminWrite(address, functionName, args) {
      await client.waitForTransactionReceipt({
        hash: await adminWallet.writeContract({
          chain: adminWallet.chain,
          account: admin,
          address,
          abi: tokenAbi,
          functionName,
          args,
        }),
      });
    },
    async stop() {
      for (const { proc } of services.values()) await proc.stop();
      await kafka.stop();
      await anvil.stop();
      for (const d of dbs) await d.drop();
    },
  };
}
