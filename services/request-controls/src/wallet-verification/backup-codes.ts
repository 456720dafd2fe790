import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/** Ten codes of 80 random bits each, shown once as `XXXX-XXXX-XXXX-XXXX`. */
export function generateBackupCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(16)].map((b) => ALPHABET[b % 32]!).join('');
    return chars.match(/.{4}/g)!.join('-');
  });
}

/** Stored form: SHA-256 of user id and the normalized code (the code is random; no slow hash needed). */
export function backupCodeHash(userId: string, code: string): Buffer {
  const normalized = code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  return createHash('sha256').update(`${userId}:${normalized}`, 'utf8').digest();
}
