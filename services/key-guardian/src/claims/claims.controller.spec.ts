import {
  concatHex,
  encodeAbiParameters,
  hashTypedData,
  keccak256,
  parseAbiParameters,
  toHex,
} from 'viem';
import { describe, expect, it } from 'vitest';
import { claimTypedData } from './claims.controller';

describe('claim typed data', () => {
  it('hashes to the digest KeelClaimIssuer._digest computes (chain, issuer, identity, topic, expiry, data)', () => {
    const claim = {
      organizationId: 'org',
      wallet: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
      chainId: 31337,
      claimIssuer: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
      identity: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
      topic: 7,
      expiresAt: 2_000_000_000,
      data: '0x4b5943',
    } as const;
    const domain = keccak256(
      encodeAbiParameters(parseAbiParameters('bytes32, bytes32, bytes32, uint256, address'), [
        keccak256(
          toHex(
            'EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)',
          ),
        ),
        keccak256(toHex('KeelClaimIssuer')),
        keccak256(toHex('1')),
        31337n,
        claim.claimIssuer,
      ]),
    );
    const struct = keccak256(
      encodeAbiParameters(parseAbiParameters('bytes32, address, uint256, uint64, bytes32'), [
        keccak256(toHex('Claim(address identity,uint256 topic,uint64 expiresAt,bytes data)')),
        claim.identity,
        7n,
        2_000_000_000n,
        keccak256(claim.data),
      ]),
    );
    expect(hashTypedData(claimTypedData(claim))).toBe(
      keccak256(concatHex(['0x1901', domain, struct])),
    );
  });
});
