import { describe, expect, it } from 'vitest';
import { inlineStatement, sqlLiteral } from './fused-statements';

describe('inlineStatement', () => {
  it('renders strings, numbers, booleans, NULL and arrays as literals', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral('back\\slash')).toBe(" E'back\\\\slash'");
    expect(sqlLiteral(42)).toBe('42');
    expect(sqlLiteral(12345678901234567890n)).toBe('12345678901234567890');
    expect(sqlLiteral(true)).toBe('TRUE');
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(undefined)).toBe('NULL');
    expect(sqlLiteral(['a', null, "b'"])).toBe("ARRAY['a',NULL,'b''']");
    expect(sqlLiteral([])).toBe("'{}'");
    expect(() => sqlLiteral(Number.NaN)).toThrow(/not a finite number/);
  });

  it('replaces each placeholder, also repeated and two-digit ones, and refuses a missing value', () => {
    const values = Array.from({ length: 11 }, (_, i) => i + 1);
    expect(inlineStatement('SELECT $1, $11, $1::int', values)).toBe('SELECT 1, 11, 1::int');
    expect(() => inlineStatement('SELECT $2', ['only one'])).toThrow(/no value for \$2/);
  });
});
