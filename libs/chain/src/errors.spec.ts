import { describe, expect, it } from 'vitest';
import { ChainRpcError, classifyRpcError } from './errors';

describe('classifyRpcError', () => {
  it.each([
    ['nonce too low: next nonce 5, tx nonce 3', 'nonce-too-low'],
    ['Nonce too high. Expected nonce to be 2 but got 9.', 'nonce-too-high'],
    ['transaction underpriced', 'underpriced'],
    ['max fee per gas less than block base fee', 'fee-cap-too-low'],
    ['fee cap less than block base fee: address 0x1, gasFeeCap: 1 baseFee: 7', 'fee-cap-too-low'],
    ['intrinsic gas too low', 'intrinsic-gas'],
    ['intrinsic gas too high -- tx.gas_limit > env.block.gas_limit', 'invalid'],
    ['invalid chain id for signer', 'invalid'],
    ['transaction already imported', 'already-known'],
    ['replacement transaction underpriced', 'replacement-underpriced'],
    ['already known', 'already-known'],
    ['execution reverted: ERC20: insufficient allowance', 'reverted'],
    ['insufficient funds for gas * price + value', 'insufficient-funds'],
    ['fetch failed', 'transport'],
    ['HTTP request failed. Status: 503', 'transport'],
    ['something odd', 'unknown'],
  ])('%s → %s', (message, kind) => {
    expect(classifyRpcError(new Error(message))).toBe(kind);
  });

  it('looks through the cause chain (viem wraps node errors)', () => {
    const inner = new Error('nonce too low');
    const outer = new Error('Transaction creation failed.', { cause: inner });
    expect(classifyRpcError(outer)).toBe('nonce-too-low');
    const e = ChainRpcError.from(outer, 1, 'http://x');
    expect(e.kind).toBe('nonce-too-low');
    expect(e.retryable).toBe(false);
  });
});
