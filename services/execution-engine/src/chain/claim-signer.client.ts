import { Inject, Injectable } from '@nestjs/common';
import { callService } from '@keel/http-problem';
import { Problem } from '@keel/operations';
import type { Address, Hex } from 'viem';
import type { ExecutionEngineConfig } from '../config';
import { CONFIG } from '../tokens';

export interface ClaimToSign {
  readonly organizationId: string;
  /** The trusted issuer's key-guardian wallet (a CLAIM key of its claim issuer contract). */
  readonly wallet: Address;
  readonly chainId: number;
  readonly claimIssuer: Address;
  readonly identity: Address;
  readonly topic: number;
  readonly expiresAt: number;
  readonly data: Hex;
}

export class ClaimSigningError extends Error {
  override readonly name = 'ClaimSigningError';
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

/**
 * Asks key-guardian for the issuer's EIP-712 claim signature. Key-guardian
 * builds the digest itself from the claim fields (it signs claims, never an
 * arbitrary hash); the signature is deterministic, so a retry gets the same one.
 */
@Injectable()
export class ClaimSignerClient {
  constructor(@Inject(CONFIG) private readonly config: ExecutionEngineConfig) {}

  async sign(claim: ClaimToSign): Promise<Hex> {
    if (!this.config.keyGuardianUrl)
      throw new ClaimSigningError(
        'KEEL_KEY_GUARDIAN_URL is not set; claims cannot be signed',
        false,
      );
    try {
      const { signature } = await callService<{ signature: Hex }>(
        this.config.keyGuardianUrl,
        '/internal/v1/claims/sign',
        { method: 'POST', body: claim },
      );
      return signature;
    } catch (err) {
      if (err instanceof Problem)
        throw new ClaimSigningError(
          `key-guardian did not sign the claim: ${err.message} (${err.init.why ?? ''})`,
          err.retryable,
        );
      throw err;
    }
  }
}
