import { type DecodedCall, totalsByAsset } from './decode-call';
import type { OnBreach, WalletPolicy } from './policy-document';

export interface Breach {
  readonly rule: 'amount-limit' | 'rolling-limit' | 'destination-allowlist' | 'time-window';
  readonly onBreach: OnBreach;
  readonly reason: string;
}

export type RuleVerdict =
  | { readonly kind: 'allow' }
  | { readonly kind: 'deny'; readonly breach: Breach; readonly breaches: readonly Breach[] }
  | { readonly kind: 'hold'; readonly breaches: readonly Breach[] };

/**
 * The rules of a wallet policy against one decoded transaction. Pure: the
 * caller supplies the amount already spent in each rolling window
 * (`rollingSpent[i]` for `policy.rollingLimits[i]`, reservations held under
 * a row lock) and the clock. A transaction that moves nothing and calls
 * nothing (a nonce fill) is always allowed.
 */
export function evaluateRules(
  policy: WalletPolicy,
  call: DecodedCall,
  now: Date,
  rollingSpent: readonly bigint[],
): RuleVerdict {
  if (call.function === 'none') return { kind: 'allow' };
  const breaches: Breach[] = [];
  const totals = totalsByAsset(call.movements);

  for (const limit of policy.amountLimits) {
    const max = BigInt(limit.max);
    for (const [asset, amount] of totals) {
      if (limit.asset !== undefined && limit.asset !== asset) continue;
      if (amount > max)
        breaches.push({
          rule: 'amount-limit',
          onBreach: limit.onBreach,
          reason: `amount ${amount} of ${asset} exceeds the per-transaction limit ${max}`,
        });
    }
  }

  policy.rollingLimits.forEach((limit, i) => {
    const amount = totals.get(limit.asset);
    if (amount === undefined) return;
    const spent = rollingSpent[i] ?? 0n;
    const max = BigInt(limit.max);
    if (spent + amount > max)
      breaches.push({
        rule: 'rolling-limit',
        onBreach: limit.onBreach,
        reason: `${spent} of ${limit.asset} already moved in the last ${limit.windowSeconds}s; ${amount} more exceeds the rolling limit ${max}`,
      });
  });

  const allow = policy.destinationAllowlist;
  if (allow) {
    const allowed = new Set(allow.addresses);
    const outside = call.movements
      .map((m) => m.to)
      .filter((to): to is string => to !== null && !allowed.has(to));
    if (outside.length > 0)
      breaches.push({
        rule: 'destination-allowlist',
        onBreach: allow.onBreach,
        reason: `destination ${[...new Set(outside)].join(', ')} is not on the wallet's allowlist`,
      });
  }

  const windows = policy.timeWindows;
  if (windows && !windows.windows.some((w) => insideWindow(w, now)))
    breaches.push({
      rule: 'time-window',
      onBreach: windows.onBreach,
      reason: `${now.toISOString()} is outside the wallet's signing windows (UTC)`,
    });

  const block = breaches.find((b) => b.onBreach === 'block');
  if (block) return { kind: 'deny', breach: block, breaches };
  if (breaches.length > 0) return { kind: 'hold', breaches };
  return { kind: 'allow' };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** `from` inclusive, `to` exclusive; a window with `to` before `from` runs past midnight. */
function insideWindow(
  w: { days: readonly number[]; from: string; to: string },
  now: Date,
): boolean {
  const day = now.getUTCDay();
  const t = now.getUTCHours() * 60 + now.getUTCMinutes();
  const from = minutes(w.from);
  const to = minutes(w.to);
  if (from <= to) return w.days.includes(day) && t >= from && t < to;
  // Overnight: the evening part belongs to the listed day, the morning part to the day after.
  if (t >= from) return w.days.includes(day);
  return t < to && w.days.includes((day + 6) % 7);
}
