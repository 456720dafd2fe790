import { describe, expect, it } from 'vitest';
import { backupCodeHash, generateBackupCodes } from './backup-codes';

describe('backup codes', () => {
  it('are ten distinct 80-bit codes in groups of four', () => {
    const codes = generateBackupCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
  });

  it('hash per user, tolerant of case, dashes and look-alike letters only', () => {
    const [code] = generateBackupCodes(1);
    const stored = backupCodeHash('u1', code!);
    expect(stored.toString('hex')).not.toContain(code!.replace(/-/g, ''));
    expect(backupCodeHash('u1', code!.toLowerCase().replace(/-/g, ' '))).toEqual(stored);
    expect(backupCodeHash('u2', code!)).not.toEqual(stored);
    expect(backupCodeHash('u1', '0000-0000-0000-0000')).toEqual(
      backupCodeHash('u1', 'OOOO-oooo-0000-0000'),
    );
  });
});
