#!/usr/bin/env node
// Gas of the addon contracts on anvil (receipt gasUsed, includes the 21,000 intrinsic):
// airdrop claims (bitmap and amount trackers), push batches per recipient, a sale
// purchase, a yield-period claim and a dividend claim, XvP approvals and executions
// (2 and 4 legs), and the claims at 10 vs 10,000 holders (Merkle leaves for airdrops,
// token holders with checkpoints for yield and dividends).
//
// The asset is the production shape: KeelToken behind an ERC1967 (UUPS) proxy with the
// historical-balances feature, its ModularCompliance proxy (no modules) and the global
// compliance proxy; the identity registry is the test registry (test/mocks).
//
// Usage: node bench/contracts-addons/addons-gas.mjs
// (builds src, test/mocks and test/addons/mocks with forge first; prints a Markdown table).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  encodeAbiParameters,
  encodeFunctionData,
  http,
  keccak256,
  toHex,
  zeroAddress,
} from 'viem';
import { foundry } from 'viem/chains';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = (name) => resolve(root, 'node_modules', '.bin', name);
execFileSync(bin('forge'), ['build', 'src', 'test/mocks', 'test/addons/mocks'], {
  cwd: resolve(root, 'contracts'),
  stdio: ['ignore', 'ignore', 'inherit'],
});
const artifact = (name) => {
  const a = JSON.parse(readFileSync(resolve(root, 'contracts', 'out', `${name}.sol`, `${name}.json`), 'utf8'));
  return { abi: a.abi, bytecode: a.bytecode.object };
};

const freePort = () =>
  new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const port = await freePort();
const anvil = spawn(bin('anvil'), ['--port', String(port), '--silent', '--gas-limit', '100000000'], { stdio: 'ignore' });
const stopAnvil = () => {
  if (anvil.exitCode === null) anvil.kill('SIGTERM');
};
process.on('exit', stopAnvil);

const transport = http(`http://127.0.0.1:${port}`);
const pub = createPublicClient({ chain: foundry, transport, pollingInterval: 20 });
const test = createTestClient({ chain: foundry, mode: 'anvil', transport });
for (let i = 0; ; i++) {
  try {
    await pub.getChainId();
    break;
  } catch {
    if (i > 100) throw new Error('anvil did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const [admin, alice, bob, carol, dave] = await pub.request({ method: 'eth_accounts' });
const wallet = createWalletClient({ chain: foundry, transport, pollingInterval: 20 });

async function send(from, to, art, functionName, args) {
  const hash = await wallet.sendTransaction({
    account: from,
    to,
    data: encodeFunctionData({ abi: art.abi, functionName, args }),
    gas: 90_000_000n,
  });
  const r = await pub.waitForTransactionReceipt({ hash });
  if (r.status !== 'success') throw new Error(`${functionName} reverted`);
  return r.gasUsed;
}

/**
 * A measured call runs in a block of its own, 12 s after the previous one, so the
 * token's checkpoint write is always a new entry (as for a claim in a later block),
 * never the cheaper same-timestamp update.
 */
async function measure(from, to, art, functionName, args) {
  await test.setNextBlockTimestamp({ timestamp: (await now()) + 12n });
  return send(from, to, art, functionName, args);
}

async function deploy(art, args = []) {
  const hash = await wallet.deployContract({ account: admin, abi: art.abi, bytecode: art.bytecode, args });
  const r = await pub.waitForTransactionReceipt({ hash });
  if (r.status !== 'success') throw new Error('deploy reverted');
  return r.contractAddress;
}

const now = async () => (await pub.getBlock()).timestamp;
const warp = async (secs) => {
  await test.increaseTime({ seconds: Number(secs) });
  await test.mine({ blocks: 1 });
};

const A = {
  Token: artifact('KeelToken'),
  Compliance: artifact('ModularCompliance'),
  Global: artifact('GlobalCompliance'),
  Proxy: artifact('ERC1967Proxy'),
  Registry: artifact('TestIdentityRegistry'),
  ERC20: artifact('AddonTestERC20'),
  TimeBound: artifact('TimeBoundAirdrop'),
  Push: artifact('PushAirdrop'),
  Sale: artifact('TokenSale'),
  Yield: artifact('FixedYieldSchedule'),
  Dividend: artifact('SnapshotDistribution'),
  XvP: artifact('XvPSettlement'),
};
const role = (name) => keccak256(toHex(name));
const US = 840;
const MAX = 2n ** 256n - 1n;

const registry = await deploy(A.Registry);
const register = (w) => send(admin, registry, A.Registry, 'register', [w, US]);
for (const w of [admin, alice, bob, carol, dave]) await register(w);

const tokenImpl = await deploy(A.Token, [true]);
const complianceImpl = await deploy(A.Compliance, [true]);
const global = await deploy(A.Proxy, [
  await deploy(A.Global, [true]),
  encodeFunctionData({ abi: A.Global.abi, functionName: 'initialize', args: [admin] }),
]);

async function newAsset(symbol) {
  const c = await deploy(A.Proxy, [
    complianceImpl,
    encodeFunctionData({ abi: A.Compliance.abi, functionName: 'initialize', args: [admin, global] }),
  ]);
  const params = {
    name: symbol,
    symbol,
    decimals: 6,
    isin: '',
    onchainID: zeroAddress,
    identityRegistry: registry,
    compliance: c,
    admin,
  };
  const t = await deploy(A.Proxy, [
    tokenImpl,
    encodeFunctionData({ abi: A.Token.abi, functionName: 'initializeWithFeatures', args: [params, 1n] }),
  ]);
  await send(admin, t, A.Token, 'grantRole', [role('keel.role.supply-management'), admin]);
  await send(admin, t, A.Token, 'grantRole', [role('keel.role.emergency'), admin]);
  await send(admin, t, A.Token, 'unpause', []);
  return t;
}

const usdc = await deploy(A.ERC20, ['USD Coin', 'USDC', 6]);
const mintUsdc = (to, amount) => send(admin, usdc, A.ERC20, 'mint', [to, amount]);
const rows = [];
const row = (what, gas, note = '') => {
  rows.push({ what, gas, note });
  console.error(`${what}: ${gas}`);
};

/** Fast bulk setup: `count` fresh registered wallets holding `amount` of `token`. */
let fresh = 0n;
async function freshWallets(count) {
  const ws = [];
  for (let i = 0; i < count; i++) {
    fresh += 1n;
    ws.push(`0x${(0xb0000000000000000000000000000000000000n + fresh).toString(16).padStart(40, '0')}`);
  }
  return ws;
}
/**
 * Registers wallets in the test identity registry by writing its storage directly
 * (batched JSON-RPC, 1,000 a request): 10,000 registration transactions would dominate
 * the run. Layout: `_entries` (slot 0) maps wallet => {identity, country, unverified}
 * packed in one slot.
 */
async function registerAll(ws) {
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < ws.length; i += 1000) {
    const body = ws.slice(i, i + 1000).map((w, j) => {
      const slot = keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'uint256' }], [w, 0n]));
      const identity = BigInt(keccak256(encodeAbiParameters([{ type: 'address' }], [w]))) & ((1n << 160n) - 1n);
      const value = (BigInt(US) << 160n) | identity;
      return { jsonrpc: '2.0', id: j, method: 'anvil_setStorageAt', params: [registry, slot, toHex(value, { size: 32 })] };
    });
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const out = await res.json();
    if (!Array.isArray(out) || out.some((r) => r.error)) throw new Error('anvil_setStorageAt failed');
  }
  const probe = ws[ws.length - 1];
  if (probe && !(await pub.readContract({ address: registry, abi: A.Registry.abi, functionName: 'isVerified', args: [probe] }))) {
    throw new Error('registry storage layout changed: update registerAll');
  }
}
async function mintAll(token, ws, amount) {
  for (let i = 0; i < ws.length; i += 100) {
    const batch = ws.slice(i, i + 100);
    await send(admin, token, A.Token, 'batchMint', [batch, batch.map(() => amount)]);
  }
}

// ------------------------------------------------------------------ airdrops
for (const n of [10, 10_000]) {
  const asset = await newAsset(`AD${n}`);
  const claimers = [alice, bob, carol, dave];
  const others = await freshWallets(n - claimers.length);
  const accounts = [...claimers, ...others];
  const values = accounts.map((a, i) => [String(i), a, '1000000']);
  const tree = StandardMerkleTree.of(values, ['uint256', 'address', 'uint256']);
  const proofOf = (i) => tree.getProof(i);
  // claimers already hold the asset, so both trackers are measured on the same token path
  for (const c of claimers) await send(admin, asset, A.Token, 'mint', [c, 1n]);
  const t0 = await now();
  for (const tracker of [0, 1]) {
    const drop = await deploy(A.TimeBound, [asset, tree.root, tracker, t0, t0 + 86_400n * 30n, admin]);
    await register(drop);
    await send(admin, asset, A.Token, 'mint', [drop, BigInt(n) * 1_000_000n]);
    // first claim writes the tracker slot; the second one is what a typical claimer pays
    await send(alice, drop, A.TimeBound, 'claim', [0n, 1_000_000n, 1_000_000n, proofOf(0)]);
    const gas = await measure(bob, drop, A.TimeBound, 'claim', [1n, 1_000_000n, 1_000_000n, proofOf(1)]);
    row(`airdrop claim, ${tracker === 0 ? 'bitmap' : 'amount'} tracker, ${n} leaves`, gas, `proof length ${proofOf(1).length}`);
  }
  // push: one batch, per recipient
  const batch = Math.min(n, 50);
  const pushTargets = n === 10 ? accounts.slice(4, 10) : others.slice(0, batch);
  await registerAll(pushTargets);
  const push = await deploy(A.Push, [asset, tree.root, 0, t0 + 86_400n * 30n, 100n, admin]);
  await register(push);
  await send(admin, asset, A.Token, 'mint', [push, BigInt(n) * 1_000_000n]);
  const items = pushTargets.map((a) => {
    const i = accounts.indexOf(a);
    return { index: BigInt(i), account: a, amount: 1_000_000n, proof: proofOf(i) };
  });
  const gas = await measure(admin, push, A.Push, 'distribute', [items]);
  row(`push airdrop, per recipient (batch of ${items.length}, ${n} leaves)`, gas / BigInt(items.length), `batch total ${gas}`);
}

// ------------------------------------------------------------------ sale
{
  const asset = await newAsset('SALE');
  const t0 = await now();
  const config = {
    token: asset,
    hardCap: 1_000_000n * 10n ** 6n,
    softCap: 0n,
    presaleStart: t0 + 10n,
    publicStart: t0 + 10n,
    end: t0 + 86_400n * 10n,
    minPerInvestor: 1n,
    maxPerInvestor: 1_000_000n * 10n ** 6n,
    presaleDiscountBps: 0,
    presaleWhitelistOnly: false,
    lockCliff: 0n,
    lockDuration: 0n,
  };
  const sale = await deploy(A.Sale, [config, admin]);
  await register(sale);
  await send(admin, asset, A.Token, 'mint', [sale, config.hardCap]);
  await send(admin, sale, A.Sale, 'setCurrency', [usdc, 100_000_000n]);
  await send(admin, sale, A.Sale, 'activate', []);
  await warp(20);
  for (const b of [alice, bob]) {
    await mintUsdc(b, 10n ** 15n);
    await send(b, usdc, A.ERC20, 'approve', [sale, MAX]);
  }
  await send(alice, sale, A.Sale, 'buy', [usdc, 10_000_000n]);
  const gas = await measure(bob, sale, A.Sale, 'buy', [usdc, 10_000_000n]);
  row('sale purchase (USDC, tokens delivered at purchase)', gas, 'first purchase by this investor');
  const again = await measure(bob, sale, A.Sale, 'buy', [usdc, 10_000_000n]);
  row('sale purchase, repeat by the same investor', again);
}

// ------------------------------------------------------------------ yield and dividend
for (const n of [10, 10_000]) {
  const asset = await newAsset(`Y${n}`);
  const holders = [alice, bob, carol, dave];
  const others = await freshWallets(n - holders.length);
  await registerAll(others);
  await mintAll(asset, [...holders, ...others], 10_000_000n);
  const t0 = await now();
  const schedule = await deploy(A.Yield, [
    asset,
    usdc,
    t0 + 1n,
    t0 + 1n + 86_400n * 360n,
    500n,
    86_400n * 30n,
    1_000_000_000n,
    zeroAddress,
    admin,
  ]);
  await mintUsdc(schedule, 10n ** 15n);
  const dividend = await deploy(A.Dividend, [asset, usdc, t0 + 10n, 1_000_000_000n, t0 + 86_400n * 400n, admin]);
  await mintUsdc(admin, 1_000_000_000n);
  await send(admin, usdc, A.ERC20, 'approve', [dividend, MAX]);
  await send(admin, dividend, A.Dividend, 'fund', []);
  await warp(86_400n * 30n + 10n);
  await send(alice, schedule, A.Yield, 'claim', []);
  const y = await measure(bob, schedule, A.Yield, 'claim', []);
  row(`yield claim, one period, ${n} holders`, y);
  await send(alice, dividend, A.Dividend, 'claim', [alice]);
  const d = await measure(bob, dividend, A.Dividend, 'claim', [bob]);
  row(`dividend claim, ${n} holders`, d);
}

// ------------------------------------------------------------------ XvP
{
  const bond = await newAsset('XB');
  const equity = await newAsset('XE');
  await send(admin, bond, A.Token, 'mint', [alice, 10n ** 12n]);
  await send(admin, equity, A.Token, 'mint', [carol, 10n ** 12n]);
  await mintUsdc(bob, 10n ** 15n);
  await mintUsdc(dave, 10n ** 15n);
  const leg = (asset, from, to, amount) => ({ asset, from, to, amount, externalChainId: 0n });
  for (const legs of [
    [leg(bond, alice, bob, 100_000_000n), leg(usdc, bob, alice, 99_000_000_000n)],
    [
      leg(bond, alice, bob, 100_000_000n),
      leg(usdc, bob, alice, 99_000_000_000n),
      leg(equity, carol, dave, 5_000_000n),
      leg(usdc, dave, carol, 7_000_000_000n),
    ],
  ]) {
    const cutoff = (await now()) + 86_400n;
    const s = await deploy(A.XvP, [legs, cutoff, false, `0x${'0'.repeat(64)}`, admin]);
    await register(s);
    const senders = [...new Set(legs.map((l) => l.from))];
    const approvals = [];
    for (const who of senders) {
      const asset = legs.find((l) => l.from === who).asset;
      await send(who, asset, A.ERC20, 'approve', [s, MAX]);
      approvals.push(await measure(who, s, A.XvP, 'approve', []));
    }
    const exec = await measure(admin, s, A.XvP, 'execute', [`0x${'0'.repeat(64)}`]);
    const avg = approvals.reduce((a, b) => a + b, 0n) / BigInt(approvals.length);
    row(`XvP approval (escrow), ${legs.length} legs`, avg, `mean of ${approvals.length} approvals`);
    row(`XvP execution, ${legs.length} legs`, exec);
  }
}
stopAnvil();

const anvilVersion = execFileSync(bin('anvil'), ['--version']).toString().split('\n')[0];
const forgeVersion = execFileSync(bin('forge'), ['--version']).toString().split('\n')[0];
console.log(`Tools: ${anvilVersion}; ${forgeVersion}; solc 0.8.30 (solcjs), optimizer 200 runs, legacy pipeline`);
console.log('');
console.log('| operation | gas | note |');
console.log('|---|---:|---|');
for (const r of rows) console.log(`| ${r.what} | ${r.gas.toLocaleString('en-US')} | ${r.note} |`);
