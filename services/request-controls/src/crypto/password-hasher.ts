import { randomBytes, scrypt, type ScryptOptions, timingSafeEqual } from 'node:crypto';

/** scrypt cost: N = 2^15, r = 8, p = 1 (32 MiB, tens of milliseconds per hash). */
const DEFAULT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(secret: string, salt: Buffer, params: ScryptOptions): Promise<Buffer> {
  const { N = 0, r = 0 } = params;
  return new Promise((resolve, reject) => {
    scrypt(
      secret.normalize('NFKC'),
      salt,
      KEY_BYTES,
      { ...params, maxmem: 256 * N * r + 1024 * 1024 },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

/**
 * Passwords and PINs, hashed with scrypt and a per-secret random salt. Stored
 * form: `scrypt$N$r$p$<salt>$<hash>` (base64url), so the cost can rise later.
 * Comparison is constant-time; an unknown user is checked against a dummy
 * hash so that the failure takes as long as a wrong password.
 */
export class PasswordHasher {
  #dummy: Promise<string> | undefined;

  constructor(private readonly params: { N: number; r: number; p: number } = DEFAULT_PARAMS) {}

  /** Computes the dummy hash ahead, so that even the first unknown user costs no more than one hash. */
  warmUp(): Promise<void> {
    this.#dummy ??= this.hash('keel-dummy-password');
    return this.#dummy.then(() => undefined);
  }

  async hash(secret: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const key = await derive(secret, salt, this.params);
    const { N, r, p } = this.params;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** Whether `secret` matches `stored`; with no stored hash, spends the same time and says no. */
  async verify(secret: string, stored: string | null | undefined): Promise<boolean> {
    if (!stored) {
      await this.warmUp();
      await this.verify(secret, await this.#dummy!);
      return false;
    }
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return false;
    const salt = Buffer.from(parts[4]!, 'base64url');
    const expected = Buffer.from(parts[5]!, 'base64url');
    const actual = await derive(secret, salt, { N, r, p });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }
}
