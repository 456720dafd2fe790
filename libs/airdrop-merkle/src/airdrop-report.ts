import { getAddress, isAddress, type Address } from 'viem';
import type { AirdropEntry } from './airdrop-list';

/** One row of a recipient list as uploaded (CSV `address,amount` or JSON), before any check. */
export interface RawRecipient {
  readonly address: unknown;
  readonly amount: unknown;
}

export type RecipientIssueCode =
  'BAD_ADDRESS' | 'DUPLICATE' | 'ZERO_AMOUNT' | 'NEGATIVE_AMOUNT' | 'BAD_AMOUNT' | 'BAD_ROW';

/**
 * Why a row cannot be a leaf; `row` is the 1-based position among the data rows (a CSV's
 * header and blank lines are not counted, so it is not the CSV line number), or the JSON item's.
 */
export interface RecipientIssue {
  readonly row: number;
  readonly code: RecipientIssueCode;
  readonly address?: string;
  readonly reason: string;
}

export interface RecipientListReport {
  /** Rows that can become leaves, indexed in list order. */
  readonly entries: readonly AirdropEntry[];
  /** Every row that cannot, each with every reason (a row may have two). */
  readonly issues: readonly RecipientIssue[];
  readonly total: bigint;
}

const UINT256_MAX = (1n << 256n) - 1n;

/**
 * Checks a whole recipient list and reports every bad row, instead of stopping at the first
 * (`parseAirdropCsv`/`parseAirdropJson` do that): the issuer fixes the list once. A
 * duplicate is reported on its second and later rows; the first one stays.
 */
export function checkRecipients(rows: readonly RawRecipient[]): RecipientListReport {
  const issues: RecipientIssue[] = [];
  const entries: AirdropEntry[] = [];
  const firstRow = new Map<Address, number>();
  let total = 0n;
  rows.forEach((raw, i) => {
    const row = i + 1;
    const before = issues.length;
    const text = typeof raw.address === 'string' ? raw.address.trim() : '';
    let account: Address | undefined;
    if (!isAddress(text, { strict: false })) {
      issues.push({
        row,
        code: 'BAD_ADDRESS',
        address: text,
        reason: `"${text}" is not a 0x-prefixed 20-byte hex address`,
      });
    } else {
      account = getAddress(text);
      const first = firstRow.get(account);
      if (first !== undefined)
        issues.push({
          row,
          code: 'DUPLICATE',
          address: account,
          reason: `${account} already appears at row ${first}; merge the amounts into one row`,
        });
    }
    const amountText =
      typeof raw.amount === 'string'
        ? raw.amount.trim()
        : typeof raw.amount === 'number' && Number.isSafeInteger(raw.amount)
          ? String(raw.amount)
          : '';
    let amount: bigint | undefined;
    if (/^-[0-9]+$/.test(amountText) && amountText !== '-0')
      issues.push({
        row,
        code: 'NEGATIVE_AMOUNT',
        ...(account ? { address: account } : {}),
        reason: `amount ${amountText} is negative`,
      });
    else if (!/^-?[0-9]+$/.test(amountText) || BigInt(amountText) > UINT256_MAX)
      issues.push({
        row,
        code: 'BAD_AMOUNT',
        ...(account ? { address: account } : {}),
        reason: `amount "${amountText}" is not an integer of base units below 2^256`,
      });
    else if (BigInt(amountText) === 0n)
      issues.push({
        row,
        code: 'ZERO_AMOUNT',
        ...(account ? { address: account } : {}),
        reason: 'amount is 0',
      });
    else amount = BigInt(amountText);
    if (account && firstRow.get(account) === undefined) firstRow.set(account, row);
    if (issues.length === before && account && amount !== undefined) {
      entries.push({ index: BigInt(entries.length), account, amount });
      total += amount;
    }
  });
  return { entries, issues, total };
}

/** Rows of a CSV upload (`address,amount`, optional header line, blank lines skipped). */
export function csvRecipients(csv: string): RawRecipient[] {
  const rows: RawRecipient[] = [];
  csv.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const cells = line.split(',');
    if (i === 0 && /^(address|account)$/i.test(cells[0]?.trim() ?? '')) return;
    rows.push({ address: cells[0] ?? '', amount: cells.length === 2 ? (cells[1] ?? '') : '' });
  });
  return rows;
}

/**
 * Push batches sized to the block gas limit: at most `fraction` of a block each (so other
 * transactions still fit and the estimate has headroom), at `gasPerRecipient` (a first-time
 * payout with its proof and the asset's compliance checks), and never above the contract's
 * `maxBatch`. Batches follow the leaf order, so the same list always gives the same batches.
 */
export function pushBatchSize(opts: {
  readonly blockGasLimit: bigint;
  readonly gasPerRecipient: bigint;
  readonly maxBatch: number;
  readonly fraction?: number;
}): number {
  const budget = (opts.blockGasLimit * BigInt(Math.round((opts.fraction ?? 0.5) * 100))) / 100n;
  const fit = Number(budget / opts.gasPerRecipient);
  return Math.max(1, Math.min(opts.maxBatch, fit));
}
