import { type OperationView, problemSchema } from '@keel/operations';
import {
  type Actors,
  type AnvilHandle,
  BenchChain,
  createTestDatabase,
  deployKeel,
  type KeelPlatform,
  freePort,
  type KafkaMockHandle,
  type ManagedProcess,
  startAnvil,
  startKafkaMock,
  startProcess,
  type TestDatabaseHandle,
  waitUntil,
} from '@keel/testing';
import {
  type Address,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  http,
  keccak256,
  parseAbi,
  parseEther,
  toHex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The production-like on-chain deployment (system bootstrap, identities with KYC claims, assets from the equity factory). */
function deployKeelSystem(rpcUrl: string, actors: Actors): Promise<KeelPlatform> {
  return deployKeel(new BenchChain(rpcUrl), actors);
}

// Every service of the signing flow as its own process over the Kafka mock
// cluster, against anvil and PostgreSQL: HTTP in, a mined receipt out.
const ADMIN_KEY = `keel_e2eadmin_${'z'.repeat(43)}`;
const ORG = 'org-e2e';
const complianceAbi = parseAbi([
  'function getModules() view returns (address[])',
  'function callModuleFunction(bytes callData, address module)',
]);
const maxBalanceAbi = parseAbi(['function setMaxBalance(uint256 maxBalance)']);
const tokenAbi = parseAbi([
  'function balanceOf(address) view returns (uint256)',
  'function grantRole(bytes32 role, address account)',
  'function compliance() view returns (address)',
  'function approve(address spender, uint256 amount) returns (bool)',
]);

let anvil: AnvilHandle;
let kafka: KafkaMockHandle;
const dbs: TestDatabaseHandle[] = [];
const services = new Map<
  string,
  { proc: ManagedProcess; port: number; env: Record<string, string> }
>();
let gatewayUrl: string;
let client: PublicClient;
let token: Address;
let alice: Address;
let signerWallet: Address;
let bob: Address;
let aliceAccount: ReturnType<typeof privateKeyToAccount>;
/** A second token whose MaxBalanceModule caps each investor at 10^24 + 100. */
let cappedToken: Address;

async function db(name: string): Promise<string> {
  const handle = await createTestDatabase({ prefix: `e2e_${name.replace(/-/g, '_')}` });
  dbs.push(handle);
  return handle.url;
}

async function start(name: string, env: Record<string, string>): Promise<void> {
  const port = await freePort();
  const fullEnv = {
    KEEL_KAFKA_BROKERS: kafka.bootstrapServers,
    KEEL_LOG_LEVEL: 'warn',
    KEEL_HTTP_PORT: String(port),
    ...env,
  };
  const proc = startProcess({ entry: `services/${name}/src/main.ts`, name, env: fullEnv });
  services.set(name, { proc, port, env: fullEnv });
}

/** SIGKILL a service (no shutdown hooks run) and start it again with the same configuration. */
async function killAndRestart(name: string): Promise<void> {
  const s = services.get(name)!;
  s.proc.kill('SIGKILL');
  await s.proc.exited;
  const proc = startProcess({ entry: `services/${name}/src/main.ts`, name, env: s.env });
  services.set(name, { ...s, proc });
  await ready(name);
}

async function statusOf(id: string): Promise<string | null> {
  const res = await fetch(`${gatewayUrl}/api/v1/operations/${id}`, {
    headers: { 'x-api-key': ADMIN_KEY },
  });
  return res.status === 200 ? ((await res.json()) as OperationView).status : null;
}

async function ready(name: string): Promise<void> {
  const s = services.get(name)!;
  // Keel services answer /health/ready; the signer-side services answer /health.
  const probe = async (path: string) =>
    (await fetch(`http://127.0.0.1:${s.port}${path}`).catch(() => null))?.ok ?? false;
  await waitUntil(name, async () => (await probe('/health/ready')) || (await probe('/health')), {
    timeoutMs: 120_000,
  }).catch((err: unknown) => {
    throw new Error(`${(err as Error).message}\n${s.proc.output().slice(-4000)}`);
  });
}

async function submit(
  type: string,
  params: Record<string, unknown>,
  idempotencyKey: string,
): Promise<string> {
  const res = await fetch(`${gatewayUrl}/api/v1/operations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': ADMIN_KEY,
      'idempotency-key': idempotencyKey,
    },
    body: JSON.stringify({ type, params, signer: signerWallet }),
  });
  const body = (await res.json()) as { operationId: string };
  expect(res.status, JSON.stringify(body)).toBe(202);
  return body.operationId;
}

async function terminal(id: string): Promise<OperationView> {
  let last: OperationView | undefined;
  await waitUntil(
    `operation ${id} terminal`,
    async () => {
      const res = await fetch(`${gatewayUrl}/api/v1/operations/${id}`, {
        headers: { 'x-api-key': ADMIN_KEY },
      });
      if (res.status !== 200) return false;
      last = (await res.json()) as OperationView;
      return ['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED'].includes(last.status);
    },
    { timeoutMs: 120_000, intervalMs: 250 },
  ).catch((err: unknown) => {
    const logs = [...services.entries()]
      .map(([n, s]) => `--- ${n}\n${s.proc.output().slice(-1500)}`)
      .join('\n');
    throw new Error(`${(err as Error).message}; last: ${JSON.stringify(last)}\n${logs}`);
  });
  return last!;
}

beforeAll(async () => {
  [anvil, kafka] = await Promise.all([startAnvil({ accounts: 5 }), startKafkaMock({ brokers: 1 })]);
  const [admin, claimSigner, a, b, carol] = anvil.accounts.map((x) =>
    privateKeyToAccount(x.privateKey),
  );
  if (!admin || !claimSigner || !a || !b || !carol) throw new Error('anvil gave too few accounts');
  alice = a.address;
  aliceAccount = a;
  const keel = await deployKeelSystem(anvil.rpcUrl, {
    admin,
    claimSigner,
    alice: a,
    bob: b,
    carol,
  });
  token = (await keel.createToken('e2e', [])).address;
  cappedToken = (await keel.createToken('e2e-capped', ['maxBalance'])).address;

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
    KEEL_KEYSTORE_MASTER_KEY: keccak256(toHex('e2e master key')).slice(2),
  });
  await start('transaction-signer', { KEEL_DATABASE_URL: signerDb!, KEEL_CHAIN_RPC_URLS: rpc });
  await start('chain-gateway', {
    KEEL_DATABASE_URL: chainDb!,
    KEEL_CHAIN_RPC_URLS: rpc,
    KEEL_CONFIRMATIONS: '1',
  });
  for (const name of ['request-controls', 'execution-engine', 'compliance-simulator'])
    await ready(name);
  await start('gateway', {
    KEEL_REQUEST_CONTROLS_URL: `http://127.0.0.1:${services.get('request-controls')!.port}`,
    KEEL_EXECUTION_ENGINE_URL: `http://127.0.0.1:${services.get('execution-engine')!.port}`,
    KEEL_COMPLIANCE_SIMULATOR_URL: `http://127.0.0.1:${services.get('compliance-simulator')!.port}`,
  });
  for (const name of ['key-guardian', 'transaction-signer', 'chain-gateway', 'gateway'])
    await ready(name);
  gatewayUrl = `http://127.0.0.1:${services.get('gateway')!.port}`;

  // A wallet in key-guardian, funded for gas and given the token's supply-management role.
  const created = await fetch(
    `http://127.0.0.1:${services.get('key-guardian')!.port}/internal/v1/wallets`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ organizationId: ORG, label: 'issuer' }),
    },
  );
  expect(created.status).toBe(201);
  signerWallet = ((await created.json()) as { address: Address }).address;
  client = createPublicClient({ chain: foundry, transport: http(anvil.rpcUrl) });
  const wallet = createWalletClient({
    chain: { ...foundry, id: anvil.chainId },
    transport: http(anvil.rpcUrl),
    account: admin,
  });
  await client.waitForTransactionReceipt({
    hash: await wallet.sendTransaction({ to: signerWallet, value: parseEther('10') }),
  });
  await client.waitForTransactionReceipt({
    hash: await wallet.writeContract({
      address: token,
      abi: tokenAbi,
      functionName: 'grantRole',
      args: [keccak256(toHex('keel.role.supply-management')), signerWallet],
    }),
  });
  await client.waitForTransactionReceipt({
    hash: await wallet.writeContract({
      address: token,
      abi: tokenAbi,
      functionName: 'grantRole',
      args: [keccak256(toHex('keel.role.custodian')), signerWallet],
    }),
  });
  for (const role of ['keel.role.supply-management']) {
    await client.waitForTransactionReceipt({
      hash: await wallet.writeContract({
        address: cappedToken,
        abi: tokenAbi,
        functionName: 'grantRole',
        args: [keccak256(toHex(role)), signerWallet],
      }),
    });
  }
  const compliance = await client.readContract({
    address: cappedToken,
    abi: tokenAbi,
    functionName: 'compliance',
  });
  const [maxBalanceModule] = await client.readContract({
    address: compliance,
    abi: complianceAbi,
    functionName: 'getModules',
  });
  await client.waitForTransactionReceipt({
    hash: await wallet.writeContract({
      address: compliance,
      abi: complianceAbi,
      functionName: 'callModuleFunction',
      args: [
        encodeFunctionData({
          abi: maxBalanceAbi,
          functionName: 'setMaxBalance',
          args: [10n ** 24n + 100n],
        }),
        maxBalanceModule!,
      ],
    }),
  });
  bob = b.address;
}, 600_000);

afterAll(async () => {
  for (const { proc } of services.values()) await proc.stop();
  await kafka?.stop();
  await anvil?.stop();
  for (const d of dbs) await d.drop();
});

describe('signing flow end to end', () => {
  it('mints over HTTP through every service to a mined receipt', async () => {
    const before = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    const id = await submit(
      'token.mint',
      { asset: token, to: alice, amount: '1000' },
      'e2e-mint-1',
    );
    const op = await terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    const tx = op.transactions[0]!;
    expect(tx.from.toLowerCase()).toBe(signerWallet.toLowerCase());
    expect(tx.hash).toMatch(/^0x[0-9a-f]{64}$/);
    const receipt = await client.getTransactionReceipt({ hash: tx.hash as `0x${string}` });
    expect(receipt.status).toBe('success');
    const after = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    expect(after - before).toBe(1000n);
    expect(op.history.map((h) => h.status)).toEqual(
      expect.arrayContaining([
        'RECEIVED',
        'QUEUED',
        'PREPARING',
        'SIGNING',
        'BROADCASTING',
        'CONFIRMING',
        'COMPLETED',
      ]),
    );
  });

  it('fails a mint to an unverified recipient with the identity check as module, nothing sent', async () => {
    const nonceBefore = await client.getTransactionCount({ address: signerWallet });
    const stranger = privateKeyToAccount(keccak256(toHex('stranger'))).address;
    const id = await submit(
      'token.mint',
      { asset: token, to: stranger, amount: '5' },
      'e2e-mint-denied',
    );
    const op = await terminal(id);
    expect(op.status).toBe('FAILED');
    expect(op.subStatus).toBe('COMPLIANCE_REJECTED');
    expect(op.error).toMatchObject({ module: 'identity-registry' });
    expect(op.error?.reason).toContain('RecipientNotVerified');
    expect(op.transactions[0]).toMatchObject({ hash: null, nonce: null });
    expect(await client.getTransactionCount({ address: signerWallet })).toBe(nonceBefore);
  });

  it('simulates a transfer module by module over HTTP', async () => {
    const res = await fetch(`${gatewayUrl}/api/v1/compliance/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({
        asset: token,
        from: alice,
        to: privateKeyToAccount(keccak256(toHex('x'))).address,
        amount: '1',
      }),
    });
    const body = (await res.json()) as { allowed: boolean; deniedBy?: { module: string } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.allowed).toBe(false);
    expect(body.deniedBy?.module).toBe('identity-registry');
    const bad = await fetch(`${gatewayUrl}/api/v1/compliance/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ asset: token }),
    });
    expect(bad.status).toBe(422);
    problemSchema.parse(await bad.json());
  });
  it('moves tokens with a custodian forced transfer (no canTransfer, recipient identity still required)', async () => {
    const balance = (who: Address) =>
      client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'balanceOf',
        args: [who],
      });
    const [aliceBefore, bobBefore] = [await balance(alice), await balance(bob)];
    const id = await submit(
      'token.forcedTransfer',
      { asset: token, from: alice, to: bob, amount: '25' },
      'e2e-forced-1',
    );
    const op = await terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect(aliceBefore - (await balance(alice))).toBe(25n);
    expect((await balance(bob)) - bobBefore).toBe(25n);
  });

  it.each([
    ['execution-engine', 'RECEIVED'],
    ['transaction-signer', 'SIGNING'],
    ['chain-gateway', 'BROADCASTING'],
  ])('completes exactly once when %s is SIGKILLed mid-flight (at %s)', async (name, stage) => {
    const before = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    const id = await submit(
      'token.mint',
      { asset: token, to: alice, amount: '7' },
      `e2e-kill-${name}`,
    );
    const order = [
      'RECEIVED',
      'QUEUED',
      'PREPARING',
      'SIGNING',
      'BROADCASTING',
      'CONFIRMING',
      'COMPLETED',
    ];
    await waitUntil(
      `${id} reaches ${stage}`,
      async () => {
        const status = await statusOf(id);
        return status === null
          ? stage === 'RECEIVED'
          : order.indexOf(status) >= order.indexOf(stage);
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    await killAndRestart(name);
    const op = await terminal(id);
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    const after = await client.readContract({
      address: token,
      abi: tokenAbi,
      functionName: 'balanceOf',
      args: [alice],
    });
    expect(after - before).toBe(7n);
  });
  it('fails a mint a compliance module denies with that module and its decoded reason; a smaller one completes', async () => {
    const nonceBefore = await client.getTransactionCount({ address: signerWallet });
    const denied = await terminal(
      await submit('token.mint', { asset: cappedToken, to: alice, amount: '1000' }, 'e2e-capped-1'),
    );
    expect(denied.status).toBe('FAILED');
    expect(denied.subStatus).toBe('COMPLIANCE_REJECTED');
    expect(denied.error?.module).toBe('MaxBalance'); // the module's own name()
    expect(denied.error?.reason).toContain('MaxBalanceExceeded');
    expect(await client.getTransactionCount({ address: signerWallet })).toBe(nonceBefore);

    const simulated = await fetch(`${gatewayUrl}/api/v1/compliance/simulate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ADMIN_KEY },
      body: JSON.stringify({ asset: cappedToken, from: bob, to: alice, amount: '1000' }),
    });
    const body = (await simulated.json()) as {
      allowed: boolean;
      modules: { module: string; passed: boolean; reason?: string }[];
    };
    expect(body.allowed).toBe(false);
    expect(body.modules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ module: 'identity-registry', passed: true }),
        expect.objectContaining({ module: 'MaxBalance', passed: false }),
      ]),
    );

    const ok = await terminal(
      await submit('token.mint', { asset: cappedToken, to: alice, amount: '50' }, 'e2e-capped-2'),
    );
    expect(ok.status, JSON.stringify(ok)).toBe('COMPLETED');
  });
  it('moves tokens with transferFrom on an allowance, through canTransfer, to a mined receipt', async () => {
    const aliceWallet = createWalletClient({
      chain: { ...foundry, id: anvil.chainId },
      transport: http(anvil.rpcUrl),
      account: aliceAccount,
    });
    await client.waitForTransactionReceipt({
      hash: await aliceWallet.writeContract({
        address: token,
        abi: tokenAbi,
        functionName: 'approve',
        args: [signerWallet, 100n],
      }),
    });
    const balance = (who: Address) =>
      client.readContract({
        address: token,
        abi: tokenAbi,
        functionName: 'balanceOf',
        args: [who],
      });
    const [aliceBefore, bobBefore] = [await balance(alice), await balance(bob)];
    const op = await terminal(
      await submit(
        'token.transferFrom',
        { asset: token, from: alice, to: bob, amount: '30' },
        'e2e-transfer-from-1',
      ),
    );
    expect(op.status, JSON.stringify(op)).toBe('COMPLETED');
    expect(aliceBefore - (await balance(alice))).toBe(30n);
    expect((await balance(bob)) - bobBefore).toBe(30n);
  });
});
