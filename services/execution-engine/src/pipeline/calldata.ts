import { ITokenAbi } from '@keel/abi';
import {
  type OperationParams,
  type OperationType,
  type ParsedOperation,
  parseOperation,
} from '@keel/operations';
import {
  type Address,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseAbi,
  toHex,
  zeroAddress,
} from 'viem';

// Role administration is OpenZeppelin AccessControl on the token (not part of the ERC-3643 interface).
const accessControlAbi = parseAbi([
  'function grantRole(bytes32 role, address account)',
  'function revokeRole(bytes32 role, address account)',
]);

/** The bytes32 id of a Keel token role, as KeelRoles.sol derives it. */
export function roleId(role: string): Hex {
  return keccak256(toHex(`keel.role.${role}`));
}

export interface PreparedCall {
  readonly to: Address;
  readonly data: Hex;
  readonly value: string;
  /** What the compliance simulation checks besides the exact call. */
  readonly compliance: {
    readonly kind: 'movement' | 'forced' | 'admin';
    readonly transfer?: { from: Address; to: Address; amount: string };
  };
}

export class InvalidOperationError extends Error {
  override readonly name = 'InvalidOperationError';
}

const a = (v: string) => v as Address;

/** The operations that are one call to a token (the rest are planned in `plans/plan.ts`). */
export type TokenOperation = Extract<
  ParsedOperation,
  { type: `token.${string}` | `role.${string}` }
>;

/** Builds the exact call of a token operation with the typed token ABI. */
export function buildCall(operation: TokenOperation, signer: Address): PreparedCall {
  const p = operation.params;
  const to = a(p.asset);
  const call = (data: Hex, compliance: PreparedCall['compliance']): PreparedCall => ({
    to,
    data,
    value: '0',
    compliance,
  });
  switch (operation.type) {
    case 'token.mint': {
      const q = p as OperationParams<'token.mint'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'mint',
          args: [a(q.to), BigInt(q.amount)],
        }),
        {
          kind: 'movement',
          transfer: { from: zeroAddress, to: a(q.to), amount: q.amount },
        },
      );
    }
    case 'token.burn': {
      const q = p as OperationParams<'token.burn'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'burn',
          args: [a(q.from), BigInt(q.amount)],
        }),
        {
          kind: 'admin',
        },
      );
    }
    case 'token.transfer': {
      const q = p as OperationParams<'token.transfer'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'transfer',
          args: [a(q.to), BigInt(q.amount)],
        }),
        { kind: 'movement', transfer: { from: signer, to: a(q.to), amount: q.amount } },
      );
    }
    case 'token.transferFrom': {
      const q = p as OperationParams<'token.transferFrom'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'transferFrom',
          args: [a(q.from), a(q.to), BigInt(q.amount)],
        }),
        { kind: 'movement', transfer: { from: a(q.from), to: a(q.to), amount: q.amount } },
      );
    }
    case 'token.batchTransfer': {
      const q = p as OperationParams<'token.batchTransfer'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'batchTransfer',
          args: [q.transfers.map((t) => a(t.to)), q.transfers.map((t) => BigInt(t.amount))],
        }),
        { kind: 'movement' },
      );
    }
    case 'token.forcedTransfer': {
      const q = p as OperationParams<'token.forcedTransfer'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'forcedTransfer',
          args: [a(q.from), a(q.to), BigInt(q.amount)],
        }),
        { kind: 'forced' },
      );
    }
    case 'token.freeze': {
      const q = p as OperationParams<'token.freeze'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'setAddressFrozen',
          args: [a(q.account), q.frozen],
        }),
        { kind: 'admin' },
      );
    }
    case 'token.freezePartial': {
      const q = p as OperationParams<'token.freezePartial'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'freezePartialTokens',
          args: [a(q.account), BigInt(q.amount)],
        }),
        { kind: 'admin' },
      );
    }
    case 'token.pause':
      return call(encodeFunctionData({ abi: ITokenAbi, functionName: 'pause' }), { kind: 'admin' });
    case 'token.unpause':
      return call(encodeFunctionData({ abi: ITokenAbi, functionName: 'unpause' }), {
        kind: 'admin',
      });
    case 'token.recover': {
      const q = p as OperationParams<'token.recover'>;
      return call(
        encodeFunctionData({
          abi: ITokenAbi,
          functionName: 'recoveryAddress',
          args: [a(q.lostWallet), a(q.newWallet), a(q.investorOnchainId)],
        }),
        { kind: 'admin' },
      );
    }
    case 'role.grant':
    case 'role.revoke': {
      const q = p as OperationParams<'role.grant'>;
      return call(
        encodeFunctionData({
          abi: accessControlAbi,
          functionName: operation.type === 'role.grant' ? 'grantRole' : 'revokeRole',
          args: [roleId(q.role), a(q.account)],
        }),
        { kind: 'admin' },
      );
    }
  }
}

/** Re-validates stored params (they were validated at the edge, but the journal is the source of truth). */
export function parseStored(type: string, params: unknown): ParsedOperation {
  const parsed = parseOperation(type, params);
  if (!parsed.ok) {
    throw new InvalidOperationError(
      `stored operation does not parse: ${parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.operation;
}

export type { OperationType };
