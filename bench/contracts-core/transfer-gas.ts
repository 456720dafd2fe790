// Gas of `transfer` with 0, 1, 3 and 5 compliance modules: Keel's production deployment
// (proxied token from its asset factory) against T-REX v4.1.6's proxied suite (from its
// TREXFactory) with the equivalent modules, side by side on the same anvil in one run.
// Also the gas of deploying one asset through each factory and one investor identity.
//
//   npx nx run contracts:build     # generates @keel/abi (Keel's ABIs + bytecode)
//   npm run bench:contracts-core
//   (= SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/contracts-core/transfer-gas.ts)
//
// Measured per token: alice -> bob once (warm-up: both hold, every module has state for
// them), then, each in its own block 60 s after the previous one,
//   warm  = alice -> bob again,
//   first = alice -> carol, a verified wallet that has never held the token.
// Gas is the receipt's gasUsed (21,000 intrinsic + calldata + execution, after refunds).
// BENCH_TRACE=1 also prints the call tree (gas per call) of the warm transfer with 0 and
// 5 modules on both platforms.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import {
  type Actors,
  anvilBinary,
  BenchChain,
  deployKeel,
  MODULE_NAMES,
  MODULE_ORDER,
  type ModuleKind,
  type Platform,
  startAnvil,
} from '@keel/testing';
import { type Address, erc20Abi, type Hex, type TransactionReceipt } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { deployTrex } from './trex';

const AMOUNT = 1_000n;
const GAP_SECONDS = 60;

interface Measured {
  readonly warm: bigint;
  readonly first: bigint;
  readonly warmHash: Hex;
}

interface Row {
  readonly label: string;
  readonly keel: Measured;
  readonly trex: Measured;
}

async function measure(chain: BenchChain, actors: Actors, token: Address): Promise<Measured> {
  const { alice, bob, carol } = actors;
  const transfer = async (to: Address): Promise<TransactionReceipt> => {
    await chain.advance(GAP_SECONDS);
    return chain.send(alice, token, erc20Abi, 'transfer', [to, AMOUNT]);
  };
  await transfer(bob.address);
  const warm = await transfer(bob.address);
  const first = await transfer(carol.address);
  const carolBalance = (await chain.read(token, erc20Abi, 'balanceOf', [carol.address])) as bigint;
  if (carolBalance !== AMOUNT) throw new Error(`carol holds ${carolBalance}, expected ${AMOUNT}`);
  return { warm: warm.gasUsed, first: first.gasUsed, warmHash: warm.transactionHash };
}

async function compare(
  chain: BenchChain,
  actors: Actors,
  keel: Platform,
  trex: Platform,
  label: string,
  kinds: readonly ModuleKind[],
): Promise<Row> {
  const results: Measured[] = [];
  for (const platform of [keel, trex]) {
    const token = await platform.createToken(label, kinds);
    if (token.boundModules !== kinds.length) {
      throw new Error(
        `${platform.name} ${label}: ${token.boundModules} modules bound, expected ${kinds.length}`,
      );
    }
    results.push(await measure(chain, actors, token.address));
  }
  const [k, t] = results;
  if (!k || !t) throw new Error('missing measurement');
  return { label, keel: k, trex: t };
}

const fmt = (n: bigint): string => n.toLocaleString('en-US');
const ratio = (a: bigint, b: bigint): string => `${(Number(a) / Number(b)).toFixed(2)}x`;

function table(title: string, rows: readonly Row[]): string {
  const lines = [
    `### ${title}`,
    '',
    '| modules | Keel warm | T-REX warm | Keel ÷ T-REX | Keel first | T-REX first | Keel ÷ T-REX |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${fmt(r.keel.warm)} | ${fmt(r.trex.warm)} | ${ratio(r.keel.warm, r.trex.warm)} | ` +
        `${fmt(r.keel.first)} | ${fmt(r.trex.first)} | ${ratio(r.keel.first, r.trex.first)} |`,
    ),
  ];
  return lines.join('\n');
}

function packageVersion(name: string): string {
  const pkg = JSON.parse(
    readFileSync(join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8'),
  ) as {
    version: string;
  };
  return pkg.version;
}

/** Keel's compiler settings: the default profile of contracts/foundry.toml. */
function keelCompilerSettings(): string {
  const toml = readFileSync(join(process.cwd(), 'contracts', 'foundry.toml'), 'utf8');
  const profile = toml.split(/^\[(?!profile\.default\])/m)[0] ?? '';
  const get = (key: string): string =>
    new RegExp(`^${key}\\s*=\\s*"?([^"\\n]*)"?`, 'm').exec(profile)?.[1]?.trim() ?? '?';
  return (
    `optimizer ${get('optimizer')}, ${get('optimizer_runs')} runs, via_ir ${get('via_ir')}, ` +
    `evm ${get('evm_version')}`
  );
}

async function main(): Promise<void> {
  const anvil = await startAnvil({ accounts: 5 });
  try {
    const [admin, signer, alice, bob, carol] = anvil.accounts.map((a) =>
      privateKeyToAccount(a.privateKey),
    );
    if (!admin || !signer || !alice || !bob || !carol)
      throw new Error('anvil gave too few accounts');
    const actors: Actors = { admin, claimSigner: signer, alice, bob, carol };
    const chain = new BenchChain(anvil.rpcUrl);
    const nodeInfo = (await chain.rpc('anvil_nodeInfo')) as { hardFork?: string };

    const keel = await deployKeel(chain, actors);
    const trex = await deployTrex(chain, actors);

    const byCount: Row[] = [];
    for (const n of [0, 1, 3, 5]) {
      byCount.push(await compare(chain, actors, keel, trex, String(n), MODULE_ORDER.slice(0, n)));
    }
    const single: Row[] = [];
    for (const kind of MODULE_ORDER) {
      const label = `${MODULE_NAMES[kind].keel} / ${MODULE_NAMES[kind].trex}`;
      single.push(await compare(chain, actors, keel, trex, label, [kind]));
    }
    // Keel reconfigured (no contract change) to quantify two planned optimisations,
    // against the T-REX numbers measured above for the same modules.
    const whatIf: Row[] = [];
    for (const row of byCount) {
      const kinds = MODULE_ORDER.slice(0, Number(row.label));
      const token = await keel.createTokenWhatIf(`what-if ${row.label}`, kinds);
      if (token.boundModules !== kinds.length) throw new Error('what-if: modules not bound');
      whatIf.push({ ...row, keel: await measure(chain, actors, token.address) });
    }

    const anvilVersion =
      execFileSync(anvilBinary(), ['--version']).toString().split('\n')[0] ?? '?';
    const out = [
      `Keel vs T-REX ${packageVersion('@tokenysolutions/t-rex')} (OnchainID ${packageVersion('@onchain-id/solidity')}), ` +
        `${anvilVersion}, hardfork ${nodeInfo.hardFork ?? '?'}; Keel: solc ${packageVersion('solc')} (solcjs), ` +
        `${keelCompilerSettings()} (contracts/foundry.toml); node ${process.version}, ` +
        `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ${new Date().toISOString()}`,
      '',
      table('`transfer` gas (receipt gasUsed) by number of modules', byCount),
      '',
      `Modules in binding order: ${MODULE_ORDER.map((k) => `${MODULE_NAMES[k].keel} ↔ ${MODULE_NAMES[k].trex}`).join(', ')}.`,
      '',
      table('`transfer` gas with each module alone', single),
      '',
      table(
        'What-if (not the production default): Keel with the KYC issuer trusted at the asset tier with no parent tiers, and no global compliance',
        whatIf,
      ),
      '',
      '### Deployment gas (receipt gasUsed)',
      '',
      '| what | Keel | T-REX | Keel ÷ T-REX |',
      '|---|--:|--:|--:|',
      `| one asset through its factory (first of the system) | ${fmt(keel.assetDeployment.first)} | ${fmt(trex.assetDeployment.first)} | ${ratio(keel.assetDeployment.first, trex.assetDeployment.first)} |`,
      `| one asset through its factory (a later one) | ${fmt(keel.assetDeployment.later)} | ${fmt(trex.assetDeployment.later)} | ${ratio(keel.assetDeployment.later, trex.assetDeployment.later)} |`,
      `| one investor identity through its factory | ${fmt(keel.identityDeployment.gas)} | ${fmt(trex.identityDeployment.gas)} | ${ratio(keel.identityDeployment.gas, trex.identityDeployment.gas)} |`,
      '',
      `- Keel asset: ${keel.assetDeployment.note}.`,
      `- T-REX asset: ${trex.assetDeployment.note}.`,
      `- Keel identity: ${keel.identityDeployment.note}.`,
      `- T-REX identity: ${trex.identityDeployment.note}.`,
    ];
    if (process.env['BENCH_TRACE']) {
      const traced: [string, string, Measured | undefined][] = [];
      for (const row of [byCount[0], byCount[byCount.length - 1]]) {
        traced.push(['Keel', `${row?.label} modules`, row?.keel]);
        traced.push(['T-REX', `${row?.label} modules`, row?.trex]);
      }
      traced.push(['Keel what-if', '0 modules', whatIf[0]?.keel]);
      for (const [name, what, m] of traced) {
        if (!m) continue;
        out.push('', `#### Call tree: ${name}, ${what}, warm transfer (gas incl. subcalls)`, '```');
        out.push(await chain.trace(m.warmHash), '```');
      }
    }
    console.log(out.join('\n'));
  } finally {
    await anvil.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
