import { describe, expect, it } from 'vitest';
import { checkRecipients, csvRecipients, pushBatchSize } from './airdrop-report';

const alice = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const bob = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const carol = '0x90F79bf6EB2c4f870365E785982E1f101E93b906';

describe('recipient list report', () => {
  it('reports every bad row with its reason and keeps the good ones as leaves', () => {
    const report = checkRecipients(
      csvRecipients(
        [
          'address,amount',
          `${alice},10`,
          'not-an-address,5',
          `${bob},0`,
          `${alice.toLowerCase()},7`,
          `0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65,-3`,
          `0x12,x`,
          `${carol},20`,
        ].join('\n'),
      ),
    );
    expect(report.issues.map((i) => [i.row, i.code])).toEqual([
      [2, 'BAD_ADDRESS'],
      [3, 'ZERO_AMOUNT'],
      [4, 'DUPLICATE'],
      [5, 'NEGATIVE_AMOUNT'],
      [6, 'BAD_ADDRESS'],
      [6, 'BAD_AMOUNT'],
    ]);
    expect(report.issues[2]?.reason).toContain('already appears at row 1');
    expect(report.entries).toEqual([
      { index: 0n, account: alice, amount: 10n },
      { index: 1n, account: carol, amount: 20n },
    ]);
    expect(report.total).toBe(30n);
  });

  it('sizes push batches to the block gas limit, capped by the contract', () => {
    expect(
      pushBatchSize({ blockGasLimit: 30_000_000n, gasPerRecipient: 120_000n, maxBatch: 500 }),
    ).toBe(125);
    expect(
      pushBatchSize({ blockGasLimit: 30_000_000n, gasPerRecipient: 120_000n, maxBatch: 50 }),
    ).toBe(50);
    expect(
      pushBatchSize({ blockGasLimit: 100_000n, gasPerRecipient: 120_000n, maxBatch: 50 }),
    ).toBe(1);
  });
});
