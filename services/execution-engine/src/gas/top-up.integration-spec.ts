import { inTransaction } from '@keel/persistence';
import { createTestDatabase, type TestDatabaseHandle } from '@keel/testing';
import type { DataSource } from 'typeorm';
import type { Address } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainReader } from '../chain/chain.reader';
import type { ExecutionEngineConfig } from '../config';
import { openDatabase } from '../database/database';
import { Journal } from '../journal/journal';
import {
  type OperationRecord,
  OperationRepository,
  type TransactionRecord,
} from '../journal/operation.repository';
import { GasRepository } from './gas.repository';
import { TopUpBeforeSigningUseCase } from './usecases/top-up-before-signing/top-up-before-signing.usecase';

// The daily limits of automatic top-ups against the real PostgreSQL: many steps of one
// organization decide at once, and the settings row lock makes them count one after another.

const ORG = 'org-gas';
const GAS_WALLET = '0x00000000000000000000000000000000000000aa';
const holder = (i: number) => `0x${(0xb00 + i).toString(16).padStart(40, '0')}`;

/** The chain as the top-up reads it: empty holder wallets, a rich gas wallet, 1 wei max fee. */
const chain = {
  balance: async (a: Address) => {
    // Widen the window between the lock and the decision, so an unlocked race would show.
    await new Promise((r) => setTimeout(r, 20));
    return a.toLowerCase() === GAS_WALLET ? 10n ** 18n : 0n;
  },
  maxFeePerGas: () => Promise.resolve(1n),
} as unknown as ChainReader;

const op = (id: string): OperationRecord => ({
  id,
  organizationId: ORG,
  type: 'token.transfer',
  params: {},
  signer: null,
  submittedBy: null,
  status: 'PREPARING',
  subStatus: null,
  error: null,
  sequence: 2,
  complianceAttempts: 0,
  stepCount: 1,
  currentStep: 0,
  result: null,
  completion: null,
});
const step = (operationId: string, from: string): TransactionRecord => ({
  operationId,
  index: 0,
  chainId: 31337,
  from,
  to: holder(999),
  data: '0x',
  value: '0',
  gasLimit: '50000',
  nonce: null,
  hash: null,
  rawTransaction: null,
  status: 'prepared',
  blockNumber: null,
  confirmations: 0,
  gasUsed: null,
});

describe('automatic gas top-up (PostgreSQL)', () => {
  let db: TestDatabaseHandle;
  let ds: DataSource;
  let gas: GasRepository;
  let topUp: TopUpBeforeSigningUseCase;

  beforeAll(async () => {
    db = await createTestDatabase({ prefix: 'engine_gas' });
    ds = await openDatabase(db.url);
    gas = new GasRepository(ds);
    topUp = new TopUpBeforeSigningUseCase(gas, new Journal(new OperationRepository(ds)), chain, {
      chainId: 31337,
    } as ExecutionEngineConfig);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const configure = (limits: { dailyAmountLimit: bigint | null; dailyCountLimit: number | null }) =>
    gas.save(ds.manager, {
      organizationId: ORG,
      sourceWallet: GAS_WALLET,
      autoTopUp: true,
      minBalance: 1_000n,
      topUpAmount: 5_000_000n,
      ...limits,
    });
  const decide = (id: string, wallet: string) =>
    inTransaction(ds, { organizationId: ORG, correlationId: id }, (tx) =>
      topUp.execute(tx, op(id), step(id, wallet)),
    );
  const submittedEvents = async () =>
    Number(
      (
        await ds.query<{ n: string }[]>(
          `SELECT COUNT(*)::text AS n FROM keel_outbox WHERE topic = 'keel.operation.submitted.v1'`,
        )
      )[0]!.n,
    );

  it('concurrent top-ups never pass the daily count limit', async () => {
    await configure({ dailyAmountLimit: null, dailyCountLimit: 3 });
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => decide(`op-count-${i}`, holder(i))),
    );
    expect(outcomes.filter((o) => o === 'wait')).toHaveLength(3);
    expect(outcomes.filter((o) => o === 'proceed')).toHaveLength(5);
    const rows = await gas.ofDay(ds.manager, ORG, new Date().toISOString().slice(0, 10));
    expect(rows.filter((r) => r.outcome === 'submitted')).toHaveLength(3);
    expect(rows.filter((r) => r.reason === 'DAILY_COUNT_LIMIT')).toHaveLength(5);
    expect(await submittedEvents()).toBe(3);
  });

  it('concurrent top-ups never pass the daily amount limit (the day already holds 3 × 5_000_000)', async () => {
    // 15_000_000 used; a limit of 26_000_000 leaves room for two more, not three.
    await configure({ dailyAmountLimit: 26_000_000n, dailyCountLimit: null });
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, (_, i) => decide(`op-amount-${i}`, holder(100 + i))),
    );
    expect(outcomes.filter((o) => o === 'wait')).toHaveLength(2);
    const usage = await gas.usage(ds.manager, ORG, new Date().toISOString().slice(0, 10));
    expect(usage).toEqual({ amount: 25_000_000n, count: 5 });
    expect(await submittedEvents()).toBe(5);
  });

  it('a replayed decision for the same step submits nothing twice', async () => {
    await configure({ dailyAmountLimit: null, dailyCountLimit: null });
    expect(await decide('op-replay', holder(500))).toBe('wait');
    expect(await decide('op-replay', holder(500))).toBe('wait');
    expect(await submittedEvents()).toBe(6);
  });
});
