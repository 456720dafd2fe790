#!/usr/bin/env node
// Gas of KeelToken.transfer with 0, 1, 3 and 5 compliance modules, on anvil, for the
// production (UUPS-proxied) deployment: a warm transfer (both holders already hold)
// and a first transfer to a new holder. Also the deployment gas of one asset
// (compliance proxy + token proxy, implementations shared).
//
// Usage: npx nx run contracts:build && node bench/contracts/transfer-gas.mjs
// (reads the optimized artifacts from contracts/out; the test identity registry is
// compiled by contracts:build from contracts/test/mocks).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPublicClient, createWalletClient, encodeFunctionData, http, keccak256, toHex } from 'viem';
import { foundry } from 'viem/chains';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifact = (file, name = file) => {
  const a = JSON.parse(readFileSync(resolve(root, 'contracts', 'out', `${file}.sol`, `${name}.json`), 'utf8'));
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
const anvil = spawn(resolve(root, 'node_modules', '.bin', 'anvil'), ['--port', String(port), '--silent'], {
  stdio: 'ignore',
});
const stopAnvil = () => {
  if (anvil.exitCode === null) anvil.kill('SIGTERM');
};
process.on('exit', stopAnvil);

const transport = http(`http://127.0.0.1:${port}`);
const pub = createPublicClient({ chain: foundry, transport });
for (let i = 0; ; i++) {
  try {
    await pub.getChainId();
    break;
  } catch {
    if (i > 100) throw new Error('anvil did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
}
const [admin, alice, bob, ...others] = await pub.request({ method: 'eth_accounts' });
const wallet = createWalletClient({ chain: foundry, transport });

async function send(from, to, abi, functionName, args) {
  const hash = await wallet.sendTransaction({
    account: from,
    to,
    data: encodeFunctionData({ abi, functionName, args }),
  });
  const r = await pub.waitForTransactionReceipt({ hash });
  if (r.status !== 'success') throw new Error(`${functionName} reverted`);
  return r.gasUsed;
}

async function deploy(art, args = []) {
  const hash = await wallet.deployContract({ account: admin, abi: art.abi, bytecode: art.bytecode, args });
  const r = await pub.waitForTransactionReceipt({ hash });
  if (r.status !== 'success') throw new Error('deploy reverted');
  return { address: r.contractAddress, gasUsed: r.gasUsed };
}

const Token = artifact('KeelToken');
const Compliance = artifact('ModularCompliance');
const Global = artifact('GlobalCompliance');
const Proxy = artifact('ERC1967Proxy');
const Registry = artifact('TestIdentityRegistry');
const modulesArt = {
  country: artifact('CountryAllowListModule'),
  maxBalance: artifact('MaxBalanceModule'),
  volume: artifact('TransferVolumeLimitModule'),
  supply: artifact('SupplyLimitModule'),
  addressAllow: artifact('AddressAllowListModule'),
};
const role = (name) => keccak256(toHex(name));
const US = 840;
const BIG = 10n ** 30n;

const registry = (await deploy(Registry)).address;
const tokenImpl = (await deploy(Token, [true])).address;
const complianceImpl = (await deploy(Compliance, [true])).address;
const globalImpl = (await deploy(Global, [true])).address;
const global = (
  await deploy(Proxy, [globalImpl, encodeFunctionData({ abi: Global.abi, functionName: 'initialize', args: [admin] })])
).address;
const modules = {};
for (const [k, art] of Object.entries(modulesArt)) modules[k] = (await deploy(art)).address;

const holders = [alice, bob, ...others];
for (const h of holders) await send(admin, registry, Registry.abi, 'register', [h, US]);

const order = ['country', 'maxBalance', 'volume', 'supply', 'addressAllow'];
const configure = {
  country: () => encodeFunctionData({ abi: modulesArt.country.abi, functionName: 'setCountryAllowed', args: [US, true] }),
  maxBalance: () => encodeFunctionData({ abi: modulesArt.maxBalance.abi, functionName: 'setMaxBalance', args: [BIG] }),
  volume: () => encodeFunctionData({ abi: modulesArt.volume.abi, functionName: 'setVolumeLimit', args: [86400n, BIG] }),
  supply: () => encodeFunctionData({ abi: modulesArt.supply.abi, functionName: 'setSupplyCap', args: [BIG] }),
  addressAllow: () =>
    encodeFunctionData({ abi: modulesArt.addressAllow.abi, functionName: 'batchSetAddressAllowed', args: [holders, true] }),
};

const rows = [];
let assetDeployGas = 0n;
let nextNewHolder = 0;
for (const n of [0, 1, 3, 5]) {
  const c = await deploy(Proxy, [
    complianceImpl,
    encodeFunctionData({ abi: Compliance.abi, functionName: 'initialize', args: [admin, global] }),
  ]);
  const params = {
    name: `Bench ${n}`,
    symbol: `B${n}`,
    decimals: 18,
    isin: '',
    onchainID: '0x0000000000000000000000000000000000000000',
    identityRegistry: registry,
    compliance: c.address,
    admin,
  };
  const t = await deploy(Proxy, [
    tokenImpl,
    encodeFunctionData({ abi: Token.abi, functionName: 'initialize', args: [params] }),
  ]);
  if (n === 0) assetDeployGas = c.gasUsed + t.gasUsed;
  for (const m of order.slice(0, n)) {
    await send(admin, c.address, Compliance.abi, 'addModule', [modules[m]]);
    await send(admin, c.address, Compliance.abi, 'callModuleFunction', [configure[m](), modules[m]]);
  }
  await send(admin, t.address, Token.abi, 'grantRole', [role('keel.role.supply-management'), admin]);
  await send(admin, t.address, Token.abi, 'grantRole', [role('keel.role.emergency'), admin]);
  await send(admin, t.address, Token.abi, 'mint', [alice, 10n ** 24n]);
  await send(admin, t.address, Token.abi, 'mint', [bob, 10n ** 24n]);
  await send(admin, t.address, Token.abi, 'unpause', []);
  // warm: both hold, slots already written; measure the second of two transfers
  await send(alice, t.address, Token.abi, 'transfer', [bob, 1000n]);
  const warm = await send(alice, t.address, Token.abi, 'transfer', [bob, 1000n]);
  const newHolder = others[nextNewHolder++];
  const first = await send(alice, t.address, Token.abi, 'transfer', [newHolder, 1000n]);
  rows.push({ modules: n, warm, first });
}
stopAnvil();

const anvilVersion = (await import('node:child_process'))
  .execFileSync(resolve(root, 'node_modules', '.bin', 'anvil'), ['--version'])
  .toString()
  .split('\n')[0];
console.log(`Keel transfer gas (UUPS proxy, optimizer 200 runs, ${anvilVersion})`);
console.log('modules | warm transfer | first transfer to new holder');
for (const r of rows) console.log(`${String(r.modules).padStart(7)} | ${String(r.warm).padStart(13)} | ${String(r.first).padStart(28)}`);
console.log(`asset deployment (compliance proxy + token proxy, shared implementations): ${assetDeployGas}`);
console.log('modules in order: CountryAllowList, MaxBalance, TransferVolumeLimit, SupplyLimit, AddressAllowList');
