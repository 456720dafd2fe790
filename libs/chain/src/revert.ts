import { decodeErrorResult, type Hex, isHex, parseAbi } from 'viem';

/** Why a call or transaction reverted: the 4-byte selector and a readable reason. */
export interface RevertInfo {
  readonly selector?: Hex;
  readonly reason: string;
  /** Full revert data, for decoding against a contract's ABI. */
  readonly data?: Hex;
}

const builtins = parseAbi(['error Error(string)', 'error Panic(uint256)']);

/** Revert data found anywhere in a viem error's cause chain. */
export function revertDataOf(error: unknown): Hex | undefined {
  let e: unknown = error;
  for (let depth = 0; e && depth < 10; depth++) {
    const data = (e as { data?: unknown }).data;
    if (typeof data === 'string' && isHex(data) && data.length >= 10) return data;
    if (typeof data === 'object' && data !== null) {
      const inner = (data as { data?: unknown }).data;
      if (typeof inner === 'string' && isHex(inner) && inner.length >= 10) return inner;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Decodes the standard revert encodings (Error(string), Panic(uint256));
 * a custom error keeps its selector and data for the caller, who knows the ABI.
 */
export function decodeRevertData(data: Hex | undefined): RevertInfo {
  if (!data || data === '0x') return { reason: 'reverted without data' };
  const selector = data.slice(0, 10) as Hex;
  try {
    const d = decodeErrorResult({ abi: builtins, data });
    if (d.errorName === 'Error') return { selector, reason: d.args[0], data };
    return { selector, reason: `panic 0x${d.args[0].toString(16)}`, data };
  } catch {
    return { selector, reason: `custom error ${selector}`, data };
  }
}
