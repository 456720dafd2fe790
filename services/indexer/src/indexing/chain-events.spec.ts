import { describe, expect, it } from 'vitest';
import { encodeAbiParameters, encodeEventTopics, pad, parseAbi, stringToHex } from 'viem';
import { decodeChainEvent, indexedEventsAbi, inLogOrder } from './chain-events';

const alice = '0x00000000000000000000000000000000000000A1';
const bob = '0x00000000000000000000000000000000000000b0';

describe('decodeChainEvent', () => {
  it('decodes an ERC-20 Transfer with addresses lower-cased', () => {
    const topics = encodeEventTopics({
      abi: indexedEventsAbi,
      eventName: 'Transfer',
      args: { from: alice, to: bob },
    });
    const data = encodeAbiParameters([{ type: 'uint256' }], [42n]);
    expect(decodeChainEvent({ topics: topics as `0x${string}`[], data })).toEqual({
      kind: 'transfer',
      from: alice.toLowerCase(),
      to: bob.toLowerCase(),
      value: 42n,
    });
  });

  it("decodes a trusted-issuer registry's entries and the factory's claim issuers", () => {
    const added = encodeEventTopics({
      abi: indexedEventsAbi,
      eventName: 'TrustedIssuerAdded',
      args: { trustedIssuer: alice },
    });
    const topicsData = encodeAbiParameters([{ type: 'uint256[]' }], [[1n, 7n]]);
    expect(decodeChainEvent({ topics: added as `0x${string}`[], data: topicsData })).toEqual({
      kind: 'trusted-issuer-set',
      issuer: alice.toLowerCase(),
      topics: [1n, 7n],
    });
    const removed = encodeEventTopics({
      abi: indexedEventsAbi,
      eventName: 'TrustedIssuerRemoved',
      args: { trustedIssuer: alice },
    });
    expect(decodeChainEvent({ topics: removed as `0x${string}`[], data: '0x' })).toEqual({
      kind: 'trusted-issuer-removed',
      issuer: alice.toLowerCase(),
    });
    const kind = stringToHex('issuer', { size: 32 });
    const created = encodeEventTopics({
      abi: indexedEventsAbi,
      eventName: 'IdentityCreated',
      args: { identity: alice, owner: bob, kind },
    });
    expect(decodeChainEvent({ topics: created as `0x${string}`[], data: '0x' })).toEqual({
      kind: 'identity-created',
      identity: alice.toLowerCase(),
      owner: bob.toLowerCase(),
      identityKind: kind,
    });
  });

  it('ignores an ERC-721 Transfer (same signature, value indexed)', () => {
    const erc721 = parseAbi([
      'event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)',
    ]);
    const topics = encodeEventTopics({
      abi: erc721,
      eventName: 'Transfer',
      args: { from: alice, to: bob, tokenId: 7n },
    });
    expect(decodeChainEvent({ topics: topics as `0x${string}`[], data: '0x' })).toBeUndefined();
  });

  it('tells AccessControl roles (bytes32) from AccessManager roles (uint64)', () => {
    const role = pad('0x01', { size: 32 });
    const control = encodeEventTopics({
      abi: indexedEventsAbi,
      eventName: 'RoleRevoked',
      args: { role, account: alice, sender: bob },
    });
    expect(decodeChainEvent({ topics: control as `0x${string}`[], data: '0x' })).toEqual({
      kind: 'role-revoked',
      role,
      account: alice.toLowerCase(),
    });
    const manager = parseAbi(['event RoleRevoked(uint64 indexed roleId, address indexed account)']);
    const topics = encodeEventTopics({
      abi: manager,
      eventName: 'RoleRevoked',
      args: { roleId: 9n, account: bob },
    });
    expect(decodeChainEvent({ topics: topics as `0x${string}`[], data: '0x' })).toEqual({
      kind: 'role-revoked',
      role: '9',
      account: bob.toLowerCase(),
    });
  });

  it('returns undefined for unknown events and empty topics', () => {
    expect(decodeChainEvent({ topics: [], data: '0x' })).toBeUndefined();
    expect(decodeChainEvent({ topics: [pad('0x1234', { size: 32 })], data: '0x' })).toBeUndefined();
  });
});

describe('inLogOrder', () => {
  it('sorts a block’s logs by log index', () => {
    const log = (logIndex: number) => ({
      address: alice,
      topics: [],
      data: '0x',
      logIndex,
      transactionHash: pad('0x01', { size: 32 }),
      transactionIndex: 0,
    });
    expect(inLogOrder([log(3), log(0), log(2)]).map((l) => l.logIndex)).toEqual([0, 2, 3]);
  });
});
