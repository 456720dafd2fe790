import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { Problem, problems } from '@keel/operations';
import { getAddress, type Hex } from 'viem';
import { z } from 'zod';
import { SignerError, type UnifiedSigner } from '../signer/unified-signer';
import { UNIFIED_SIGNER } from '../tokens';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be an address');
const signClaimBody = z.strictObject({
  organizationId: z.string().min(1).max(128),
  /** The issuer's wallet (a CLAIM key of its claim issuer contract). */
  wallet: address,
  chainId: z.number().int().positive(),
  /** The KeelClaimIssuer contract: the EIP-712 verifying contract. */
  claimIssuer: address,
  identity: address,
  topic: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
  data: z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'must be hex bytes'),
});

/**
 * The claim digest KeelClaimIssuer verifies: EIP-712, bound to the chain, the
 * issuer contract, the identity and the topic. Key-guardian builds it from the
 * claim's fields, so this endpoint signs claims and nothing else.
 */
export function claimTypedData(c: z.infer<typeof signClaimBody>) {
  return {
    domain: {
      name: 'KeelClaimIssuer',
      version: '1',
      chainId: c.chainId,
      verifyingContract: getAddress(c.claimIssuer),
    },
    types: {
      Claim: [
        { name: 'identity', type: 'address' },
        { name: 'topic', type: 'uint256' },
        { name: 'expiresAt', type: 'uint64' },
        { name: 'data', type: 'bytes' },
      ],
    },
    primaryType: 'Claim' as const,
    message: {
      identity: getAddress(c.identity),
      topic: BigInt(c.topic),
      expiresAt: BigInt(c.expiresAt),
      data: c.data as Hex,
    },
  };
}

/** Internal: the execution engine asks for a trusted issuer's claim signature (never a key). */
@Controller('internal/v1/claims')
export class ClaimsController {
  constructor(@Inject(UNIFIED_SIGNER) private readonly signer: UnifiedSigner) {}

  @Post('sign')
  @HttpCode(200)
  async sign(@Body() body: unknown): Promise<{ signature: Hex }> {
    const r = signClaimBody.safeParse(body);
    if (!r.success)
      throw problems.validation(
        'Invalid claim',
        r.error.issues.map((i) => ({ path: i.path.join('.') || '(root)', message: i.message })),
      );
    const c = r.data;
    try {
      const signature = await this.signer.signTypedData(
        { organizationId: c.organizationId, address: getAddress(c.wallet) },
        claimTypedData(c),
      );
      return { signature };
    } catch (err) {
      if (err instanceof SignerError) {
        if (err.code === 'WALLET_NOT_FOUND') throw problems.notFound('Issuer wallet', c.wallet);
        throw new Problem({
          category: 'unavailable',
          message: 'The claim could not be signed',
          why: err.message,
          fix: 'Retry; the signer backend did not answer.',
        });
      }
      throw err;
    }
  }
}
