import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { problems, validateOrThrow } from '@keel/operations';
import { getAddress } from 'viem';
import { z } from 'zod';
import type { KeystoreRepository } from '../keystore/keystore.repository';
import { KEYSTORE, POLICIES } from '../tokens';
import { walletPolicySchema } from './policy-document';
import type { PolicyRepository, StoredPolicy } from './policy.repository';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');
const organizationId = z.string().min(1).max(128);
const putBody = z
  .object({ organizationId, updatedBy: z.string().min(1).max(200), policy: z.unknown() })
  .strict();
const getQuery = z.object({ organizationId }).strict();

const view = (p: StoredPolicy) => ({
  wallet: getAddress(p.wallet),
  policy: p.policy,
  updatedBy: p.updatedBy,
  updatedAt: p.updatedAt.toISOString(),
});

/** Internal policy API: one custodian policy per wallet of an organization. */
@Controller('internal/v1/wallets/:address/policy')
export class PolicyController {
  constructor(
    @Inject(POLICIES) private readonly policies: PolicyRepository,
    @Inject(KEYSTORE) private readonly keystore: KeystoreRepository,
  ) {}

  @Put()
  async put(@Param('address') raw: string, @Body() body: unknown) {
    const b = validateOrThrow(putBody, body, 'policy request');
    const wallet = await this.wallet(raw, b.organizationId);
    const policy = validateOrThrow(walletPolicySchema, b.policy, 'policy');
    return view(await this.policies.upsert(b.organizationId, wallet, policy, b.updatedBy));
  }

  @Get()
  async get(@Param('address') raw: string, @Query() query: unknown) {
    const { organizationId: org } = validateOrThrow(getQuery, query, 'policy query');
    const wallet = await this.wallet(raw, org);
    const stored = await this.policies.find(null, org, wallet);
    if (!stored) throw problems.notFound('Wallet policy', wallet);
    return view(stored);
  }

  /** The wallet must be one of the organization's; another organization's answers like a missing one. */
  private async wallet(raw: string, org: string): Promise<string> {
    const parsed = address.safeParse(raw);
    if (!parsed.success) throw problems.notFound('Wallet', raw.slice(0, 64));
    const wallet = getAddress(parsed.data);
    if (!(await this.keystore.exists(org, wallet))) throw problems.notFound('Wallet', wallet);
    return wallet;
  }
}
