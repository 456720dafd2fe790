import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicClient, getAddress, http, parseAbi } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAnvil, type AnvilHandle } from '../anvil';
import { workspaceRoot } from '../ts-process';

// The documented deploy command (contracts/README.md, "Deploy") run as a user runs it,
// against anvil: the whole system plus one sample asset per kind, every address in JSON.
// `contracts:build` (a dependency of this project's integration target) compiles
// script/ too, so forge finds the script compiled and only simulates and broadcasts
// (~5 s). `--slow`: see the README (without it the broadcast can stall on anvil).
const contracts = join(workspaceRoot, 'contracts');
const tokenAbi = parseAbi([
  'function symbol() view returns (string)',
  'function paused() view returns (bool)',
  'function compliance() view returns (address)',
  'function identityRegistry() view returns (address)',
]);

interface Deployment {
  chainId: number;
  admin: string;
  system: Record<string, string>;
  assets: Record<string, { token: string; compliance: string; identityRegistry: string }>;
}

describe('deploy command (forge script DeployKeel)', () => {
  let anvil: AnvilHandle;
  const file = `deployments/keel.spec-${process.pid}.json`;
  beforeAll(async () => {
    anvil = await startAnvil();
  });
  afterAll(async () => {
    rmSync(join(contracts, file), { force: true });
    await anvil?.stop();
  });

  it('deploys the full system and one sample asset per kind, and writes every address', async () => {
    const run = spawnSync(
      'node',
      [
        'tools/forge.cjs',
        'script',
        'script/DeployKeel.s.sol:DeployKeel',
        '--rpc-url',
        anvil.rpcUrl,
        '--broadcast',
        '--slow',
      ],
      {
        cwd: contracts,
        env: { ...process.env, KEEL_DEPLOYMENT_FILE: file },
        encoding: 'utf8',
        // ~5 s measured; a script compile here (~55 s CPU) means the build no longer
        // compiles script/.
        timeout: 120_000,
      },
    );
    expect(run.status, `${run.stdout}\n${run.stderr}`.slice(-4000)).toBe(0);
    expect(existsSync(join(contracts, file))).toBe(true);
    const d = JSON.parse(readFileSync(join(contracts, file), 'utf8')) as Deployment;
    expect(d.chainId).toBe(anvil.chainId);
    expect(Object.keys(d.assets).sort()).toEqual([
      'bond',
      'deposit',
      'equity',
      'fund',
      'stablecoin',
    ]);

    const client = createPublicClient({ transport: http(anvil.rpcUrl) });
    for (const address of Object.values(d.system)) {
      if (!/^0x[0-9a-fA-F]{40}$/.test(address)) continue;
      expect((await client.getCode({ address: getAddress(address) }))?.length ?? 0).toBeGreaterThan(
        2,
      );
    }
    for (const [kind, asset] of Object.entries(d.assets)) {
      const token = getAddress(asset.token);
      // Sample assets deploy paused and wired to their own compliance and identity registry.
      expect(
        await client.readContract({ address: token, abi: tokenAbi, functionName: 'paused' }),
        kind,
      ).toBe(true);
      expect(
        await client.readContract({ address: token, abi: tokenAbi, functionName: 'compliance' }),
      ).toBe(getAddress(asset.compliance));
      expect(
        await client.readContract({
          address: token,
          abi: tokenAbi,
          functionName: 'identityRegistry',
        }),
      ).toBe(getAddress(asset.identityRegistry));
    }
  }, 150_000);
});
