import { getAddress, isAddress, type Address } from 'viem';

/** One recipient of an airdrop: the Merkle leaf binds (index, account, amount). */
export interface AirdropEntry {
  readonly index: bigint;
  readonly account: Address;
  /** Base units of the asset (no decimals applied). */
  readonly amount: bigint;
}

/** A recipient list that cannot become a tree; `line` is 1-based (CSV) or the item position (JSON). */
export class AirdropListError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
    readonly fix: string,
  ) {
    super(`airdrop list, entry ${line}: ${reason} (${fix})`);
    this.name = 'AirdropListError';
  }
}

const UINT256_MAX = (1n << 256n) - 1n;

function parseAmount(raw: string, line: number): bigint {
  const text = raw.trim();
  if (!/^[0-9]+$/.test(text)) {
    throw new AirdropListError(
      line,
      `amount "${text}" is not a non-negative integer`,
      'give base units, e.g. 1000000 for 1.0 with 6 decimals',
    );
  }
  const amount = BigInt(text);
  if (amount === 0n || amount > UINT256_MAX) {
    throw new AirdropListError(
      line,
      `amount ${text} is out of range`,
      'give an amount between 1 and 2^256-1',
    );
  }
  return amount;
}

function parseAccount(raw: string, line: number): Address {
  const text = raw.trim();
  if (!isAddress(text, { strict: false })) {
    throw new AirdropListError(
      line,
      `"${text}" is not an address`,
      'give a 0x-prefixed 20-byte hex address',
    );
  }
  return getAddress(text);
}

/** Indexes follow list order; an account may appear once. */
function finish(
  rows: ReadonlyArray<{ account: Address; amount: bigint; line: number }>,
): AirdropEntry[] {
  if (rows.length === 0)
    throw new AirdropListError(0, 'the list is empty', 'give at least one recipient');
  const seen = new Map<Address, number>();
  return rows.map((row, i) => {
    const first = seen.get(row.account);
    if (first !== undefined) {
      throw new AirdropListError(
        row.line,
        `${row.account} already appears at entry ${first}`,
        'merge the amounts into one entry',
      );
    }
    seen.set(row.account, row.line);
    return { index: BigInt(i), account: row.account, amount: row.amount };
  });
}

/** CSV with columns `account,amount` (a header line is optional; blank lines are skipped). */
export function parseAirdropCsv(csv: string): AirdropEntry[] {
  const rows: Array<{ account: Address; amount: bigint; line: number }> = [];
  csv.split(/\r?\n/).forEach((text, i) => {
    const line = i + 1;
    if (text.trim() === '') return;
    const cells = text.split(',');
    if (cells.length !== 2) {
      throw new AirdropListError(
        line,
        `expected 2 columns, found ${cells.length}`,
        'write "account,amount"',
      );
    }
    const [account = '', amount = ''] = cells;
    if (rows.length === 0 && i === 0 && account.trim().toLowerCase() === 'account') return;
    rows.push({ account: parseAccount(account, line), amount: parseAmount(amount, line), line });
  });
  return finish(rows);
}

/** JSON: an array of `{ "account": "0x…", "amount": "123" }` (amount as a string or a safe integer). */
export function parseAirdropJson(json: string): AirdropEntry[] {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    throw new AirdropListError(0, 'not valid JSON', 'give an array of {account, amount} objects');
  }
  if (!Array.isArray(data))
    throw new AirdropListError(0, 'not an array', 'give an array of {account, amount} objects');
  const rows = data.map((item: unknown, i) => {
    const line = i + 1;
    if (typeof item !== 'object' || item === null) {
      throw new AirdropListError(line, 'not an object', 'give {account, amount}');
    }
    const { account, amount } = item as { account?: unknown; amount?: unknown };
    if (typeof account !== 'string')
      throw new AirdropListError(line, 'account missing', 'give "account": "0x…"');
    const amountText =
      typeof amount === 'string'
        ? amount
        : typeof amount === 'number' && Number.isSafeInteger(amount)
          ? String(amount)
          : undefined;
    if (amountText === undefined) {
      throw new AirdropListError(
        line,
        'amount missing or not an integer',
        'give "amount" as a decimal string of base units',
      );
    }
    return { account: parseAccount(account, line), amount: parseAmount(amountText, line), line };
  });
  return finish(rows);
}
