import { signingHashOf } from '@keel/chain';
import type { Hex } from 'viem';
import { generatePrivateKey, sign } from 'viem/accounts';
import type { SigningPlan } from './lane-signing';

/**
 * TEST ONLY (KEEL_FAULT, honoured under NODE_ENV=test): a signing path that
 * goes wrong between preparation and broadcast, to prove end to end that the
 * payload-integrity check refuses it. `tamper-signed-<field>` has key-guardian
 * sign a payload whose field differs from the reservation (nonce, to,
 * calldata, chainId, value), or, for `signer`, attaches a signature by another
 * key. The reservation keeps the prepared values, so the check after signing
 * sees the mismatch; no-op fills are never tampered with.
 */
export const signingFaults = [
  'tamper-signed-nonce',
  'tamper-signed-to',
  'tamper-signed-calldata',
  'tamper-signed-chainId',
  'tamper-signed-value',
  'tamper-signed-signer',
] as const;
export type SigningFault = (typeof signingFaults)[number];

export interface SigningFaults {
  /** The plan key-guardian is asked to sign for an operation's reservation. */
  readonly tamperPlan?: (plan: SigningPlan) => SigningPlan;
  /** The signature attached to an operation's unsigned transaction. */
  readonly tamperSignature?: (unsignedTx: Hex) => Promise<Hex>;
}

export function signingFaultsOf(fault: SigningFault | 'none'): SigningFaults {
  switch (fault) {
    case 'none':
      return {};
    case 'tamper-signed-nonce':
      return { tamperPlan: (p) => ({ ...p, nonce: p.nonce + 1_000 }) };
    case 'tamper-signed-to':
      return { tamperPlan: (p) => ({ ...p, to: p.signer }) };
    case 'tamper-signed-calldata':
      return { tamperPlan: (p) => ({ ...p, data: `${p.data}00` }) };
    case 'tamper-signed-chainId':
      return { tamperPlan: (p) => ({ ...p, chainId: p.chainId + 1 }) };
    case 'tamper-signed-value':
      return { tamperPlan: (p) => ({ ...p, value: p.value + 1n }) };
    case 'tamper-signed-signer':
      return {
        tamperSignature: (unsignedTx) =>
          sign({ hash: signingHashOf(unsignedTx), privateKey: generatePrivateKey(), to: 'hex' }),
      };
  }
}
