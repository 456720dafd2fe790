import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';

/**
 * Where a custody credential lives: `env:NAME` (an environment variable) or
 * `file:/absolute/path` (a mounted secret). Only the reference is stored and
 * logged; the value is read when a request needs it and is never kept.
 */
export type SecretReference = `env:${string}` | `file:${string}`;

const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,127}$/;

export class SecretReferenceError extends Error {
  override readonly name = 'SecretReferenceError';
}

/** Checks the form of a reference (not that it resolves); the message names the reference only. */
export function parseSecretReference(value: string): SecretReference {
  if (value.startsWith('env:') && ENV_NAME.test(value.slice(4))) return value as SecretReference;
  if (value.startsWith('file:') && isAbsolute(value.slice(5))) return value as SecretReference;
  throw new SecretReferenceError(
    'a credential is given as a reference, env:VARIABLE_NAME or file:/absolute/path, never as its value',
  );
}

export interface SecretResolver {
  resolve(ref: SecretReference): Promise<string>;
}

/** Reads references from the process environment and the filesystem. */
export class EnvFileSecretResolver implements SecretResolver {
  constructor(private readonly env: Readonly<Record<string, string | undefined>> = process.env) {}

  async resolve(ref: SecretReference): Promise<string> {
    if (ref.startsWith('env:')) {
      const value = this.env[ref.slice(4)];
      if (!value) throw new SecretReferenceError(`${ref} is not set`);
      return value;
    }
    try {
      return (await readFile(ref.slice(5), 'utf8')).trim();
    } catch (err) {
      throw new SecretReferenceError(
        `${ref} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  }
}
