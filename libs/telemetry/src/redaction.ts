/**
 * What Keel never writes to a log: key material, credentials and one-time
 * codes. Redaction works on three layers, because no single one is complete:
 *
 * 1. {@link redactDeep}, run by the logger on every line (fields and child
 *    bindings): the value of any sensitive key or credential header, at any
 *    depth, becomes `[REDACTED]`. Keys match ignoring case, `_` and `-`.
 * 2. The error serializer: an allow-list of error fields, so whatever a
 *    library attached to an error (request config, headers, key objects) is
 *    dropped rather than logged.
 * 3. {@link scrubText}: free text (messages, stacks) loses bearer tokens,
 *    credentials in URLs and `secret=value` pairs.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Object keys whose values are secret. Matching ignores case, `_` and `-`,
 * so `privateKey` also covers `private_key` and `PRIVATE-KEY`.
 */
export const SENSITIVE_KEYS: readonly string[] = [
  // passwords and generic secrets
  'password',
  'passwd',
  'passphrase',
  'newPassword',
  'currentPassword',
  'oldPassword',
  'secret',
  'clientSecret',
  'credentials',
  // API keys and their secrets
  'apiKey',
  'apiSecret',
  'apiKeySecret',
  'secretKey',
  // key material
  'privateKey',
  'privateKeyHex',
  'privateKeyPem',
  'encryptedPrivateKey',
  'signingKey',
  'keyMaterial',
  'rawKey',
  'masterKey',
  'encryptionKey',
  'dataKey',
  'keystore',
  'mnemonic',
  'seed',
  'seedPhrase',
  'recoveryPhrase',
  // signatures that prove possession of a key or credential (not chain tx hashes)
  'signature',
  'rawSignature',
  'userActionSignature',
  // tokens and sessions (a token *contract* is `tokenAddress`, never `token`)
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'sessionToken',
  'authToken',
  'bearerToken',
  'jwt',
  'authorization',
  'cookie',
  'cookies',
  // wallet verification
  'pin',
  'walletPin',
  'otp',
  'otpCode',
  'totp',
  'totpCode',
  'totpSecret',
  'backupCode',
  'backupCodes',
  'recoveryCode',
  'recoveryCodes',
];

/** HTTP header names that carry credentials (matched like keys, see {@link isSensitiveKey}). */
export const SENSITIVE_HEADERS: readonly string[] = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-api-secret',
  'x-auth-token',
  'x-keel-api-key',
  'x-keel-pin',
  'x-keel-otp',
  'x-dfns-useraction',
];

/** Nesting below which a logged value is replaced by {@link TRUNCATED}. */
export const MAX_LOG_DEPTH = 12;
export const TRUNCATED = '[Truncated]';
const CIRCULAR = '[Circular]';

// `privateKey`, `private_key`, `PRIVATE-KEY` and `PrivateKey` are one key.
function normalizeKey(key: string): string {
  return key.replace(/[-_\s]/g, '').toLowerCase();
}

/** Builds a key matcher from the built-in list plus extra keys. */
export function sensitiveKeyMatcher(extraKeys: readonly string[] = []): (key: string) => boolean {
  const set = new Set([...SENSITIVE_KEYS, ...SENSITIVE_HEADERS, ...extraKeys].map(normalizeKey));
  return (key) => set.has(normalizeKey(key));
}

/** True for a key whose value must never be logged (case, `_` and `-` ignored). */
export const isSensitiveKey = sensitiveKeyMatcher();

/**
 * Returns `value` with every sensitive key's value replaced by
 * {@link REDACTED}, at any depth up to {@link MAX_LOG_DEPTH}, in one pass.
 * Errors anywhere in the tree are replaced by {@link serializeError}; cycles
 * become `[Circular]`. Copy-on-write: the input is never mutated and
 * untouched branches are shared, so a clean object costs one walk.
 *
 * One walk instead of pino wildcard paths: ~400 paths (`*.key`, `*.*.key`, …)
 * cost about 100x more per line than this walk, and still stop at a fixed depth.
 */
export function redactDeep(
  value: unknown,
  isSensitive: (key: string) => boolean = isSensitiveKey,
): unknown {
  return walk(value, isSensitive, 0, new WeakSet());
}

function walk(
  value: unknown,
  isSensitive: (key: string) => boolean,
  depth: number,
  ancestors: WeakSet<object>,
): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Error) return serializeError(value);
  if (ancestors.has(value)) return CIRCULAR;
  const isArray = Array.isArray(value);
  if (!isArray && !isPlainObject(value)) return value; // Date, Buffer, class with toJSON, …
  if (depth >= MAX_LOG_DEPTH) return TRUNCATED;
  ancestors.add(value);
  try {
    if (isArray) {
      let copy: unknown[] | undefined;
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        const next = walk(item, isSensitive, depth + 1, ancestors);
        if (next !== item) {
          copy ??= value.slice();
          copy[i] = next;
        }
      }
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const next =
        isSensitive(key) && item !== undefined && item !== null
          ? REDACTED
          : walk(item, isSensitive, depth + 1, ancestors);
      if (next !== item) {
        copy ??= { ...record };
        copy[key] = next;
      }
    }
    return copy ?? value;
  } finally {
    ancestors.delete(value);
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) return true;
  // Class instances without toJSON are serialized field by field: walk them too.
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

const SECRET_NAMES =
  'password|passwd|passphrase|secret|api[_-]?key|api[_-]?secret|private[_-]?key|secret[_-]?key|master[_-]?key|mnemonic|seed[_-]?phrase|access[_-]?token|refresh[_-]?token|token|pin|otp|totp|backup[_-]?codes?';

const TEXT_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // Authorization: Bearer eyJ..., Basic dXNlcjpwYXNz
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, `$1 ${REDACTED}`],
  // scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
  // password=..., "privateKey":"0x...", apiKey: abc
  [
    new RegExp(
      `(["']?\\b(?:${SECRET_NAMES})\\b["']?\\s*[:=]\\s*)(?:"[^"]*"|'[^']*'|[^\\s,;&}\\]]+)`,
      'gi',
    ),
    `$1${REDACTED}`,
  ],
];

/** Removes credentials that commonly end up in free text (messages, stacks). */
export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** The fields of an error that are logged; everything else is dropped. */
export interface SerializedError {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  status?: number;
  cause?: SerializedError | string;
  errors?: Array<SerializedError | string>;
}

const MAX_ERROR_DEPTH = 3;
const MAX_AGGREGATED = 10;

/**
 * Serializes an error for logging by allow-list: type, message, stack, a
 * primitive `code`, an HTTP `status`, and the same for `cause` and
 * AggregateError members. Properties a library attached to the error (request
 * config with headers, key objects, payloads) are never read, and message and
 * stack are scrubbed of credentials.
 */
export function serializeError(value: unknown, depth = 0): SerializedError | string {
  if (typeof value === 'string') return scrubText(value);
  if (!isErrorLike(value)) {
    return { type: value === null ? 'null' : typeof value, message: '[non-error value withheld]' };
  }
  const out: SerializedError = {
    type: errorType(value),
    message: scrubText(typeof value.message === 'string' ? value.message : ''),
  };
  if (typeof value.stack === 'string') out.stack = scrubText(value.stack);
  const code = (value as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  const status =
    (value as { status?: unknown }).status ?? (value as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number') out.status = status;
  if (depth < MAX_ERROR_DEPTH) {
    const cause = (value as { cause?: unknown }).cause;
    if (cause !== undefined) out.cause = serializeError(cause, depth + 1);
    const errors = (value as { errors?: unknown }).errors;
    if (Array.isArray(errors)) {
      out.errors = errors
        .slice(0, MAX_AGGREGATED)
        .map((e: unknown) => serializeError(e, depth + 1));
    }
  }
  return out;
}

function isErrorLike(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as { message?: unknown }).message === 'string')
  );
}

function errorType(error: Error): string {
  const ctor = (error as { constructor?: { name?: unknown } }).constructor;
  if (ctor && typeof ctor.name === 'string' && ctor.name !== 'Object') return ctor.name;
  // Already serialized once (the key walk runs before pino's serializers).
  const type = (error as { type?: unknown }).type;
  if (typeof type === 'string') return type;
  return typeof error.name === 'string' ? error.name : 'Error';
}
