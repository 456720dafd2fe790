import { describe, expect, it } from 'vitest';
import { isToken, newToken, tokenHash } from './session-tokens';
import { returnedRows } from '@keel/persistence';

describe('session tokens', () => {
  it('are random, typed by prefix and stored only as a hash', () => {
    const access = newToken('access');
    const refresh = newToken('refresh');
    expect(access).not.toBe(newToken('access'));
    expect(isToken(access, 'access')).toBe(true);
    expect(isToken(access, 'refresh')).toBe(false);
    expect(isToken(refresh, 'refresh')).toBe(true);
    expect(isToken(`${access}x`, 'access')).toBe(false);
    expect(isToken('keel_at_short', 'access')).toBe(false);
    expect(tokenHash(access)).toHaveLength(32);
    expect(tokenHash(access).toString('hex')).not.toContain(access);
    expect(tokenHash(access)).toEqual(tokenHash(access));
  });

  it('reads the rows of UPDATE … RETURNING whichever shape TypeORM answers', () => {
    expect(returnedRows([[{ id: 1 }], 1])).toEqual([{ id: 1 }]);
    expect(returnedRows([[], 0])).toEqual([]);
    expect(returnedRows([{ id: 1 }])).toEqual([{ id: 1 }]);
  });
});
