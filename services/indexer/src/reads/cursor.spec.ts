import { describe, expect, it } from 'vitest';
import { CursorError, decodeCursor, encodeCursor } from './read-models.repository';

describe('holder and asset cursors', () => {
  it('round-trip the keyset position', () => {
    const cursor = encodeCursor({ v: '1000', w: '0xabc' });
    expect(decodeCursor(cursor)).toEqual({ v: '1000', w: '0xabc' });
  });

  it('refuse a cursor the endpoint did not issue', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(CursorError);
    expect(() => decodeCursor(Buffer.from('42').toString('base64url'))).toThrow(CursorError);
  });
});
