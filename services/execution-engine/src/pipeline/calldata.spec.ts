import { parseOperation, operationTypes } from '@keel/operations';
import { decodeFunctionData, keccak256, toHex } from 'viem';
import { ITokenAbi } from '@keel/abi';
import { describe, expect, it } from 'vitest';
import { buildCall, roleId, type TokenOperation } from './calldata';

const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const signer = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266';

const samples: Record<string, Record<string, unknown>> = {
  'token.mint': { asset, to: alice, amount: '10' },
  'token.burn': { asset, from: alice, amount: '10' },
  'token.transfer': { asset, to: bob, amount: '3' },
  'token.transferFrom': { asset, from: alice, to: bob, amount: '3' },
  'token.batchTransfer': {
    asset,
    transfers: [
      { to: alice, amount: '1' },
      { to: bob, amount: '2' },
    ],
  },
  'token.forcedTransfer': { asset, from: alice, to: bob, amount: '3' },
  'token.freeze': { asset, account: alice, frozen: true },
  'token.freezePartial': { asset, account: alice, amount: '4' },
  'token.pause': { asset },
  'token.unpause': { asset },
  'token.recover': { asset, lostWallet: alice, newWallet: bob, investorOnchainId: signer },
  'role.grant': { asset, role: 'custodian', account: alice },
  'role.revoke': { asset, role: 'custodian', account: alice },
};

describe('buildCall', () => {
  it('builds calldata for every operation type against the token', () => {
    const tokenTypes = operationTypes.filter(
      (t) => t.startsWith('token.') || t.startsWith('role.'),
    );
    expect(tokenTypes).toHaveLength(13);
    for (const type of tokenTypes) {
      const parsed = parseOperation(type, samples[type]);
      if (!parsed.ok) throw new Error(`${type}: ${JSON.stringify(parsed.issues)}`);
      const call = buildCall(parsed.operation as TokenOperation, signer);
      expect(call.to).toBe(asset);
      expect(call.data).toMatch(/^0x[0-9a-f]{8}/);
    }
  });

  it('checks a transfer from the signer, a mint from the zero address, and skips canTransfer for forced transfers', () => {
    const transfer = parseOperation('token.transfer', samples['token.transfer']);
    if (!transfer.ok) throw new Error('parse');
    const t = buildCall(transfer.operation as TokenOperation, signer);
    expect(t.compliance).toEqual({
      kind: 'movement',
      transfer: { from: signer, to: bob, amount: '3' },
    });
    expect(decodeFunctionData({ abi: ITokenAbi, data: t.data })).toMatchObject({
      functionName: 'transfer',
      args: [bob, 3n],
    });
    const forced = parseOperation('token.forcedTransfer', samples['token.forcedTransfer']);
    if (!forced.ok) throw new Error('parse');
    expect(buildCall(forced.operation as TokenOperation, signer).compliance.kind).toBe('forced');
  });

  it('derives role ids like KeelRoles.sol', () => {
    expect(roleId('custodian')).toBe(keccak256(toHex('keel.role.custodian')));
  });
});
