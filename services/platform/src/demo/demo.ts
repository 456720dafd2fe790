import { type KeelClient, type OperationOutcome } from './keel-client';

const KYC = 1;
const GERMANY = 276;
const FRANCE = 250;

export interface DemoEnvironment {
  readonly client: KeelClient;
  /** The operator's signer wallet (also the demo's trusted claim issuer). */
  readonly operatorWallet: string;
  /** Creates a custodied wallet for an investor (key-guardian) with gas; returns its address. */
  newWallet(label: string): Promise<string>;
  readonly out: (line: string) => void;
}

export interface DemoSummary {
  readonly asset: string;
  readonly investors: { name: string; wallet: string; country: number }[];
  readonly compliantTransfer: string;
  readonly deniedTransfer: { status: string; module?: string; reason?: string };
  readonly holders: { wallet: string; balance: string }[];
  readonly asOfBlock: string | null;
}

function expectCompleted(step: string, outcome: OperationOutcome): OperationOutcome {
  if (outcome.status !== 'COMPLETED')
    throw new Error(
      `${step}: ${outcome.status}${outcome.subStatus ? `/${outcome.subStatus}` : ''} ${outcome.error ? `${outcome.error.code}: ${outcome.error.message}` : ''}`,
    );
  return outcome;
}

/**
 * The issuance story end to end, every step an operation through the signing
 * flow: investors onboarded with KYC claims in two countries, a bond that only
 * admits German investors (country allow-list) and at most two of them
 * (max investor count), a mint, a transfer that passes and one that the
 * country module denies before anything is signed.
 */
export async function runDemo(env: DemoEnvironment): Promise<DemoSummary> {
  const { client, out } = env;
  const t0 = Date.now();
  let n = 0;
  const step = async <T>(title: string, work: () => Promise<T>): Promise<T> => {
    n += 1;
    const started = Date.now();
    out(`[${n}] ${title} …`);
    const result = await work();
    out(`    ✓ ${((Date.now() - started) / 1000).toFixed(1)}s`);
    return result;
  };
  const op = async (
    title: string,
    type: string,
    params: Record<string, unknown>,
    signer?: string,
  ) => expectCompleted(title, await client.run(type, params, signer ? { signer } : {}));

  await step('system layer deployed (system.bootstrap, idempotent)', () =>
    op('system.bootstrap', 'system.bootstrap', {}),
  );
  await step(`trust the operator wallet ${env.operatorWallet} as KYC claim issuer`, () =>
    op('issuer.trust', 'issuer.trust', { issuer: env.operatorWallet, topics: [KYC] }),
  );

  const people = [
    { name: 'Anna (DE)', country: GERMANY },
    { name: 'Bernd (DE)', country: GERMANY },
    { name: 'Claire (FR)', country: FRANCE },
  ];
  const investors: DemoSummary['investors'] = [];
  for (const p of people) {
    const wallet = await env.newWallet(p.name);
    await step(`onboard ${p.name}: identity for ${wallet}, country ${p.country}`, () =>
      op('identity.create', 'identity.create', { wallet, country: p.country }),
    );
    await step(`issue ${p.name}'s KYC claim`, () =>
      op('claim.issue', 'claim.issue', {
        wallet,
        topic: KYC,
        data: '0x4b59432070617373656420285b64656d6f5d29',
        issuer: env.operatorWallet,
      }),
    );
    investors.push({ name: p.name, wallet, country: p.country });
  }
  const [anna, bernd, claire] = investors as [
    DemoSummary['investors'][number],
    DemoSummary['investors'][number],
    DemoSummary['investors'][number],
  ];

  const created = await step(
    'create the bond KBD26 (KYC required; modules: country allow-list [DE], max 2 investors)',
    () =>
      op('asset.create', 'asset.create', {
        kind: 'bond',
        name: 'Keel Demo Bond 2026',
        symbol: 'KBD26',
        decimals: 0,
        isin: 'DE000KEEL026',
        country: GERMANY,
        requiredClaimTopics: [KYC],
        modules: [
          { type: 'country-allow-list', params: { countries: [GERMANY] } },
          { type: 'max-investor-count', params: { maxInvestors: 2 } },
        ],
        features: {
          bond: {
            faceValue: '1000',
            maturity: Math.floor(Date.now() / 1000) + 365 * 86_400,
            denominationAsset: env.operatorWallet,
          },
        },
        roles: [
          { role: 'supply-management', account: env.operatorWallet },
          { role: 'custodian', account: env.operatorWallet },
        ],
      }),
  );
  const raw = created.result?.['asset'];
  const asset = typeof raw === 'string' ? raw : '';
  if (!/^0x[0-9a-fA-F]{40}$/.test(asset))
    throw new Error(
      `asset.create completed without an asset address: ${JSON.stringify(created.result)}`,
    );
  out(`    bond at ${asset}`);

  await step(`mint 100 KBD26 to ${anna.name}`, () =>
    op('token.mint', 'token.mint', { asset, to: anna.wallet, amount: '100' }),
  );
  const transfer = await step(`${anna.name} transfers 40 to ${bernd.name} (compliant)`, () =>
    op('token.transfer', 'token.transfer', { asset, to: bernd.wallet, amount: '40' }, anna.wallet),
  );
  const denied = await step(`${anna.name} tries to transfer 10 to ${claire.name} (France)`, () =>
    client.run(
      'token.transfer',
      { asset, to: claire.wallet, amount: '10' },
      { signer: anna.wallet },
    ),
  );
  if (denied.status !== 'FAILED')
    throw new Error(
      `the transfer to ${claire.name} should have been denied, it ended ${denied.status}`,
    );
  out(
    `    denied: ${denied.subStatus ?? denied.status} — ${denied.error?.module ?? 'compliance'}: ${denied.error?.reason ?? denied.error?.message ?? ''}`,
  );

  // The read side: the indexer's view of the holders, and the block it reflects.
  const holders = await step('read the holders back (indexer)', async () => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await client.get<{
        items?: { wallet: string; balance: string }[];
        asOf?: { blockNumber: string }[];
      }>(
        `/assets/${asset}/holders?sort=balance&order=desc${transfer.minBlock ? `&minBlock=${transfer.minBlock}` : ''}`,
      );
      const items = r.body.items ?? [];
      if (r.status === 200 && items.length === 2 && items[0]?.balance === '60') return r.body;
      if (Date.now() > deadline)
        throw new Error(`holders not indexed yet: ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 500));
    }
  });

  const summary: DemoSummary = {
    asset,
    investors,
    compliantTransfer: transfer.id,
    deniedTransfer: {
      status: `${denied.status}${denied.subStatus ? `/${denied.subStatus}` : ''}`,
      ...(denied.error?.module ? { module: denied.error.module } : {}),
      ...(denied.error?.reason ? { reason: denied.error.reason } : {}),
    },
    holders: (holders.items ?? []).map((h) => ({ wallet: h.wallet, balance: h.balance })),
    asOfBlock: holders.asOf?.[0]?.blockNumber ?? null,
  };
  out('');
  out(`Summary (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  out(`  Bond KBD26:         ${asset}`);
  for (const i of investors) out(`  ${i.name.padEnd(18)}  ${i.wallet}  country ${i.country}`);
  out(`  Compliant transfer: ${anna.name} → ${bernd.name}, 40 (operation ${transfer.id})`);
  out(
    `  Denied transfer:    ${anna.name} → ${claire.name}, 10: ${summary.deniedTransfer.status} by ${summary.deniedTransfer.module ?? 'compliance'}${summary.deniedTransfer.reason ? ` (${summary.deniedTransfer.reason})` : ''}`,
  );
  out(
    `  Holders:            ${summary.holders.map((h) => `${h.wallet} ${h.balance}`).join(', ')} (as of block ${summary.asOfBlock ?? '?'})`,
  );
  out('DEMO OK');
  return summary;
}
