import { Inject, Injectable } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { DATA_SOURCE } from '../tokens';
import type { DailyUsage, GasSettings, TopUpSkipReason } from './top-up-policy';

interface SettingsRow {
  organization_id: string;
  source_wallet: string | null;
  auto_top_up: boolean;
  min_balance: string;
  top_up_amount: string;
  daily_amount_limit: string | null;
  daily_count_limit: number | null;
  updated_at: Date;
}

export type TopUpOutcome = 'submitted' | 'completed' | 'failed' | 'skipped';

/** One step's top-up: submitted (the step waits for it), its end, or why none was sent. */
export interface TopUpRecord {
  readonly operationId: string;
  readonly transactionIndex: number;
  readonly organizationId: string;
  readonly wallet: string;
  readonly outcome: TopUpOutcome;
  readonly fundOperationId: string | null;
  readonly amount: string | null;
  readonly reason: TopUpSkipReason | null;
  readonly day: string;
  readonly createdAt: string;
}

interface TopUpRow {
  operation_id: string;
  transaction_index: number;
  organization_id: string;
  wallet: string;
  outcome: TopUpOutcome;
  fund_operation_id: string | null;
  amount: string | null;
  reason: TopUpSkipReason | null;
  day: string | Date;
  created_at: Date;
}

const toSettings = (r: SettingsRow): GasSettings & { updatedAt: string } => ({
  organizationId: r.organization_id,
  sourceWallet: r.source_wallet,
  autoTopUp: r.auto_top_up,
  minBalance: BigInt(r.min_balance),
  topUpAmount: BigInt(r.top_up_amount),
  dailyAmountLimit: r.daily_amount_limit === null ? null : BigInt(r.daily_amount_limit),
  dailyCountLimit: r.daily_count_limit,
  updatedAt: r.updated_at.toISOString(),
});

const dayOf = (d: string | Date): string =>
  typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10);

const toTopUp = (r: TopUpRow): TopUpRecord => ({
  operationId: r.operation_id,
  transactionIndex: r.transaction_index,
  organizationId: r.organization_id,
  wallet: r.wallet,
  outcome: r.outcome,
  fundOperationId: r.fund_operation_id,
  amount: r.amount,
  reason: r.reason,
  day: dayOf(r.day),
  createdAt: r.created_at.toISOString(),
});

/** Gas settings and top-ups: the only code touching `gas_settings` and `gas_top_ups`. */
@Injectable()
export class GasRepository {
  constructor(@Inject(DATA_SOURCE) private readonly ds: DataSource) {}

  get manager(): EntityManager {
    return this.ds.manager;
  }

  async find(
    m: EntityManager,
    organizationId: string,
  ): Promise<(GasSettings & { updatedAt: string }) | null> {
    const rows: SettingsRow[] = await m.query(
      'SELECT * FROM gas_settings WHERE organization_id = $1',
      [organizationId],
    );
    return rows[0] ? toSettings(rows[0]) : null;
  }

  /**
   * Locks the organization's settings row for the rest of the caller's transaction: the
   * top-up decisions of one organization run one at a time, so the day's usage read after
   * the lock is the whole truth and concurrent top-ups cannot pass the daily limits.
   */
  async lock(m: EntityManager, organizationId: string): Promise<GasSettings | null> {
    const rows: SettingsRow[] = await m.query(
      'SELECT * FROM gas_settings WHERE organization_id = $1 FOR UPDATE',
      [organizationId],
    );
    return rows[0] ? toSettings(rows[0]) : null;
  }

  async save(m: EntityManager, s: GasSettings): Promise<GasSettings & { updatedAt: string }> {
    const rows: SettingsRow[] = await m.query(
      `INSERT INTO gas_settings (organization_id, source_wallet, auto_top_up, min_balance,
         top_up_amount, daily_amount_limit, daily_count_limit, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now())
       ON CONFLICT (organization_id) DO UPDATE SET source_wallet = EXCLUDED.source_wallet,
         auto_top_up = EXCLUDED.auto_top_up, min_balance = EXCLUDED.min_balance,
         top_up_amount = EXCLUDED.top_up_amount, daily_amount_limit = EXCLUDED.daily_amount_limit,
         daily_count_limit = EXCLUDED.daily_count_limit, updated_at = now()
       RETURNING *`,
      [
        s.organizationId,
        s.sourceWallet,
        s.autoTopUp,
        s.minBalance.toString(),
        s.topUpAmount.toString(),
        s.dailyAmountLimit?.toString() ?? null,
        s.dailyCountLimit,
      ],
    );
    return toSettings(rows[0]!);
  }

  /** The day's top-ups that moved, or may still move, funds (a failed one moved nothing). */
  async usage(m: EntityManager, organizationId: string, day: string): Promise<DailyUsage> {
    const rows: { amount: string | null; count: string }[] = await m.query(
      `SELECT COALESCE(SUM(amount), 0)::text AS amount, COUNT(*)::text AS count FROM gas_top_ups
       WHERE organization_id = $1 AND day = $2 AND outcome IN ('submitted', 'completed')`,
      [organizationId, day],
    );
    return { amount: BigInt(rows[0]?.amount ?? '0'), count: Number(rows[0]?.count ?? '0') };
  }

  async ofStep(
    m: EntityManager,
    operationId: string,
    transactionIndex: number,
  ): Promise<TopUpRecord | null> {
    const rows: TopUpRow[] = await m.query(
      'SELECT * FROM gas_top_ups WHERE operation_id = $1 AND transaction_index = $2',
      [operationId, transactionIndex],
    );
    return rows[0] ? toTopUp(rows[0]) : null;
  }

  /** Records a step's top-up once: false when the step already has one (a replay). */
  async record(m: EntityManager, t: Omit<TopUpRecord, 'createdAt'>): Promise<boolean> {
    const rows: unknown[] = await m.query(
      `INSERT INTO gas_top_ups (operation_id, transaction_index, organization_id, wallet, outcome,
         fund_operation_id, amount, reason, day)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (operation_id, transaction_index) DO NOTHING RETURNING operation_id`,
      [
        t.operationId,
        t.transactionIndex,
        t.organizationId,
        t.wallet,
        t.outcome,
        t.fundOperationId,
        t.amount,
        t.reason,
        t.day,
      ],
    );
    return rows.length > 0;
  }

  /** The submitted top-up a `wallet.fund` operation is, locked; null for any other operation. */
  async lockSubmitted(m: EntityManager, fundOperationId: string): Promise<TopUpRecord | null> {
    const rows: TopUpRow[] = await m.query(
      `SELECT * FROM gas_top_ups WHERE fund_operation_id = $1 AND outcome = 'submitted' FOR UPDATE`,
      [fundOperationId],
    );
    return rows[0] ? toTopUp(rows[0]) : null;
  }

  async finish(m: EntityManager, fundOperationId: string, outcome: 'completed' | 'failed') {
    await m.query('UPDATE gas_top_ups SET outcome = $2 WHERE fund_operation_id = $1', [
      fundOperationId,
      outcome,
    ]);
  }

  /** The top-ups of an operation's steps (for its view). */
  async ofOperation(m: EntityManager, operationId: string): Promise<TopUpRecord[]> {
    const rows: TopUpRow[] = await m.query(
      'SELECT * FROM gas_top_ups WHERE operation_id = $1 ORDER BY transaction_index',
      [operationId],
    );
    return rows.map(toTopUp);
  }

  /** The organization's top-ups of a day, newest first (for GET gas settings). */
  async ofDay(m: EntityManager, organizationId: string, day: string): Promise<TopUpRecord[]> {
    const rows: TopUpRow[] = await m.query(
      `SELECT * FROM gas_top_ups WHERE organization_id = $1 AND day = $2
       ORDER BY created_at DESC LIMIT 50`,
      [organizationId, day],
    );
    return rows.map(toTopUp);
  }
}
