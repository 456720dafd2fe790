import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataDir, type PlatformEndpoints, type PlatformSecrets } from '../data-dir';
import { runDemo } from './demo';
import { KeelClient } from './keel-client';

// `npm run demo`: the issuance story against the platform `npm start` runs. Its URL and
// key come from the data directory (KEEL_DATA_DIR, default .keel/) unless
// KEEL_GATEWAY_URL and KEEL_API_KEY say otherwise.
const workspaceRoot = resolve(__dirname, '../../../..');
const dataDir = new DataDir(
  resolve(process.env['KEEL_DATA_DIR'] ?? resolve(workspaceRoot, '.keel')),
);
const out = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  if (!existsSync(dataDir.endpointsFile))
    throw new Error(
      `no running platform found in ${dataDir.root}: start it with \`npm start\` first`,
    );
  const endpoints = JSON.parse(readFileSync(dataDir.endpointsFile, 'utf8')) as PlatformEndpoints;
  const secrets = JSON.parse(readFileSync(dataDir.secretsFile, 'utf8')) as PlatformSecrets;
  const gatewayUrl = process.env['KEEL_GATEWAY_URL'] ?? endpoints.gatewayUrl;
  const apiKey = process.env['KEEL_API_KEY'] ?? secrets.operatorApiKey;
  const health = await fetch(`${gatewayUrl}/health/ready`).catch(() => null);
  if (!health?.ok)
    throw new Error(`the platform at ${gatewayUrl} does not answer: is \`npm start\` running?`);
  out(`Keel demo against ${gatewayUrl}`);
  const stamp = Date.now().toString(36);
  const client = new KeelClient(gatewayUrl, apiKey);
  await runDemo({
    client,
    operatorWallet: endpoints.operatorWallet,
    out,
    async newWallet(label) {
      // A custodied wallet of the organization (POST /api/v1/wallets, admin), funded for gas by
      // a wallet.fund operation from the organization's gas wallet (the operator wallet).
      const res = await client.post<{ address?: string; error?: { message: string } }>('/wallets', {
        label: `demo ${label} ${stamp}`,
      });
      if (res.status !== 201 || !res.body.address)
        throw new Error(
          `investor wallet: POST /api/v1/wallets answered ${res.status} ${res.body.error?.message ?? ''}`,
        );
      const funded = await client.run('wallet.fund', {
        wallet: res.body.address,
        amount: (10n ** 18n).toString(),
      });
      if (funded.status !== 'COMPLETED')
        throw new Error(
          `funding ${res.body.address}: wallet.fund ended ${funded.status} ${funded.error?.message ?? ''}`,
        );
      return res.body.address;
    },
  });
}

main().catch((err: unknown) => {
  out(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
