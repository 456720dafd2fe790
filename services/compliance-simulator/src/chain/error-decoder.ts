import * as generated from '@keel/abi';
import { type Abi, decodeErrorResult, type Hex, parseAbi, toFunctionSelector } from 'viem';

// Errors the token and compliance raise around module denials, in case the
// generated bindings of this build do not carry them.
const keelErrors = parseAbi([
  'error ComplianceModuleRejected(address module, bytes reason)',
  'error RecipientNotVerified(address recipient)',
  'error AddressIsFrozen(address account)',
  'error InsufficientUnfrozenBalance(address holder, uint256 available, uint256 required)',
  'error TokenPaused()',
]);

type AbiError = Extract<Abi[number], { type: 'error' }>;

function collectErrors(): Abi {
  const seen = new Set<string>();
  const errors: AbiError[] = [];
  const add = (e: AbiError) => {
    const sig = `${e.name}(${e.inputs.map((i) => i.type).join(',')})`;
    if (seen.has(sig)) return;
    seen.add(sig);
    errors.push(e);
  };
  for (const value of Object.values(generated)) {
    if (!Array.isArray(value)) continue;
    for (const item of value as readonly { type?: string }[]) {
      if (item && typeof item === 'object' && item.type === 'error') add(item as AbiError);
    }
  }
  for (const e of keelErrors) add(e);
  return errors;
}

/** Every custom error of the generated ABIs (token, compliance, modules), for decoding reverts. */
export const errorAbi: Abi = collectErrors();

export interface DecodedError {
  readonly selector: Hex | undefined;
  readonly errorName: string | undefined;
  readonly args: readonly unknown[];
  /** Human-readable: `CountryNotAllowed(250)` or the revert string. */
  readonly reason: string;
}

function show(v: unknown): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string') return v;
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));
}

export function decodeRevert(data: Hex | undefined): DecodedError {
  if (!data || data === '0x')
    return {
      selector: undefined,
      errorName: undefined,
      args: [],
      reason: 'reverted without a reason',
    };
  const selector = data.slice(0, 10) as Hex;
  try {
    const d = decodeErrorResult({ abi: errorAbi, data });
    const args = d.args ?? [];
    if (d.errorName === 'Error')
      return { selector, errorName: 'Error', args, reason: show(args[0]) };
    return {
      selector,
      errorName: d.errorName,
      args,
      reason: `${d.errorName}(${args.map(show).join(', ')})`,
    };
  } catch {
    return { selector, errorName: undefined, args: [], reason: `unknown error ${selector}` };
  }
}

export const complianceModuleRejectedSelector = toFunctionSelector(
  'ComplianceModuleRejected(address,bytes)',
);
