import { describe, expect, it } from 'vitest';
import { FixtureTokenAbi, FixtureTokenBytecode, contractNames } from './index';

describe('@keel/abi generated bindings', () => {
  it('exports the fixture contract ABI as a typed constant', () => {
    const mint = FixtureTokenAbi.find((item) => item.type === 'function' && item.name === 'mint');
    expect(mint).toBeDefined();
    expect(contractNames).toContain('FixtureToken');
  });

  it('exports deployable bytecode as a hex string', () => {
    expect(FixtureTokenBytecode).toMatch(/^0x[0-9a-f]+$/);
  });
});
