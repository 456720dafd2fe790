/**
 * What Keel never writes to a log: key material, credentials and one-time
 * codes. Redaction works on three layers, because no single one is complete:
 *
 * 1. pino redact paths: sensitive keys at the top level and up to
 *    {@link REDACT_DEPTH} levels of nesting (pino paths cannot express "any
 *    depth", so the list is generated with `*` wildcards), plus HTTP headers.
 * 2. The error serializer: an allow-list of error fields, so whatever a
 *    library attached to an error (request config, headers, key objects) is
 *    dropped rather than logged.
 * 3. {@link scrubText}: free text (messages, stacks) loses bearer tokens,
 *    credentials in URLs and `secret=value` pairs.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * Object keys whose values are secret, in the spellings Keel and the SDKs it
 * uses write them (camelCase and snake_case; paths match keys exactly).
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
  'client_secret',
  'credentials',
  // API keys and their secrets
  'apiKey',
  'api_key',
  'apiSecret',
  'api_secret',
  'apiKeySecret',
  'api_key_secret',
  'secretKey',
  'secret_key',
  // key material
  'privateKey',
  'private_key',
  'privateKeyHex',
  'privateKeyPem',
  'encryptedPrivateKey',
  'signingKey',
  'signing_key',
  'keyMaterial',
  'key_material',
  'rawKey',
  'raw_key',
  'masterKey',
  'master_key',
  'encryptionKey',
  'encryption_key',
  'dataKey',
  'keystore',
  'mnemonic',
  'seed',
  'seedPhrase',
  'seed_phrase',
  'recoveryPhrase',
  'recovery_phrase',
  // signatures that prove possession of a key or credential (not chain tx hashes)
  'signature',
  'rawSignature',
  'userActionSignature',
  // tokens and sessions
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'idToken',
  'id_token',
  'sessionToken',
  'session_token',
  'authToken',
  'auth_token',
  'bearerToken',
  'jwt',
  'authorization',
  'Authorization',
  'cookie',
  'cookies',
  // wallet verification
  'pin',
  'PIN',
  'walletPin',
  'wallet_pin',
  'otp',
  'otpCode',
  'otp_code',
  'totp',
  'totpCode',
  'totp_code',
  'totpSecret',
  'totp_secret',
  'backupCode',
  'backup_code',
  'backupCodes',
  'backup_codes',
  'recoveryCode',
  'recoveryCodes',
  'recovery_codes',
];

/** HTTP header names (lower-case as Node delivers them) that carry credentials. */
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

/** Nesting levels below the top level that redact paths cover. */
export const REDACT_DEPTH = 3;

function headerVariants(name: string): string[] {
  // Outgoing requests often spell headers in Title-Case.
  const title = name.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
  return title === name ? [name] : [name, title];
}

/**
 * Builds the pino `redact.paths` list: each sensitive key at depth 0..N, and
 * each sensitive header under any `headers` object at depth 0..N.
 */
export function buildRedactPaths(extraKeys: readonly string[] = []): string[] {
  const paths = new Set<string>();
  const keys = [...SENSITIVE_KEYS, ...extraKeys];
  for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
    const prefix = '*.'.repeat(depth);
    for (const key of keys) paths.add(`${prefix}${pathSegment(key)}`);
    if (depth < REDACT_DEPTH) {
      for (const header of SENSITIVE_HEADERS.flatMap(headerVariants)) {
        paths.add(`${prefix}headers[${JSON.stringify(header)}]`);
      }
    }
  }
  return [...paths];
}

function pathSegment(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
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
    new RegExp(`(["']?\\b(?:${SECRET_NAMES})\\b["']?\\s*[:=]\\s*)(?:"[^"]*"|'[^']*'|[^\\s,;&}\\]]+)`, 'gi'),
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
      out.errors = errors.slice(0, MAX_AGGREGATED).map((e: unknown) => serializeError(e, depth + 1));
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
  return typeof error.name === 'string' ? error.name : 'Error';
}
