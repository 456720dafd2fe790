/**
 * RPC failures, classified by what the caller must do about them. Nodes word
 * these differently (geth, erigon, nethermind, anvil/reth, besu); the patterns
 * below cover the common spellings and match on the lower-cased message chain.
 */
export const rpcErrorKinds = [
  /** The nonce was already used on chain (or by a pending tx with another hash). */
  'nonce-too-low',
  /** The nonce leaves a gap above the sender's pending nonce. */
  'nonce-too-high',
  /** The fee (tip or legacy gas price) is below what the node's pool accepts. */
  'underpriced',
  /** The max fee per gas is below the block's base fee: minable once the base fee falls or the fee is bumped. */
  'fee-cap-too-low',
  /** The gas limit is below the transaction's intrinsic gas: these bytes can never be mined. */
  'intrinsic-gas',
  /** Bytes no node will ever take: bad signature or sender, wrong chain id, above the block gas limit, oversized. */
  'invalid',
  /** A replacement for a pending nonce does not bump the fee enough. */
  'replacement-underpriced',
  /** The node already has exactly these bytes. */
  'already-known',
  /** Execution reverted (estimation or call). */
  'reverted',
  'insufficient-funds',
  /** Network, timeout, 5xx, rate limit: another upstream may answer. */
  'transport',
  'unknown',
] as const;
export type RpcErrorKind = (typeof rpcErrorKinds)[number];

const patterns: readonly (readonly [RpcErrorKind, RegExp])[] = [
  [
    'replacement-underpriced',
    /replacement (transaction )?underpriced|replacement fee too low|tx fee too low to replace/,
  ],
  [
    'already-known',
    /already known|alreadyknown|known transaction|already imported|transaction already exists|tx already in mempool/,
  ],
  [
    'nonce-too-low',
    /nonce too low|nonce is too low|oldnonce|nonce has already been used|invalid nonce.*lower/,
  ],
  [
    'nonce-too-high',
    /nonce too high|nonce gap|futurenonce|nonce is too high|exceeds the next nonce/,
  ],
  [
    'fee-cap-too-low',
    /fee cap less than block base fee|max fee per gas less than block base fee|maxfeepergas .*less than .*base ?fee|fee cap too low|basefee exceeds gas limit/,
  ],
  ['underpriced', /underpriced|feetoolow|gas price too low|fee too low/],
  [
    'intrinsic-gas',
    /intrinsic gas too low|gas too low|not enough gas to cover|below intrinsic gas/,
  ],
  [
    'invalid',
    /invalid sender|invalid signature|invalid chain ?id|chain ?id mismatch|incorrect chain id|exceeds block gas limit|gas_limit > env\.block\.gas_limit|intrinsic gas too high|oversized data|transaction type not supported|tx type not supported/,
  ],
  ['insufficient-funds', /insufficient funds/],
  ['reverted', /execution reverted|revert|vm exception/],
  [
    'transport',
    /fetch failed|econnrefused|econnreset|socket hang up|timed? ?out|timeout|http request failed|status: 5\d\d|429|too many requests|rate limit|network|enotfound|eai_again|other side closed|service unavailable|bad gateway/,
  ],
];

function messageChain(error: unknown): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e && depth < 8; depth++) {
    if (e instanceof Error) {
      parts.push(e.message);
      const details = (e as { details?: unknown }).details;
      if (typeof details === 'string') parts.push(details);
      e = (e as { cause?: unknown }).cause;
    } else {
      parts.push(typeof e === 'string' ? e : safeJson(e));
      break;
    }
  }
  return parts.join(' | ').toLowerCase();
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}

/** Classifies any error raised by viem or a node. */
export function classifyRpcError(error: unknown): RpcErrorKind {
  if (error instanceof ChainRpcError) return error.kind;
  const text = messageChain(error);
  for (const [kind, re] of patterns) if (re.test(text)) return kind;
  return 'unknown';
}

/** An RPC failure with its kind; the message never carries request bodies or signed bytes. */
export class ChainRpcError extends Error {
  override readonly name = 'ChainRpcError';
  constructor(
    readonly kind: RpcErrorKind,
    message: string,
    readonly chainId: number,
    readonly upstream?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Transport failures may pass on another upstream or later. */
  get retryable(): boolean {
    return this.kind === 'transport' || this.kind === 'unknown';
  }

  static from(error: unknown, chainId: number, upstream?: string): ChainRpcError {
    if (error instanceof ChainRpcError) return error;
    const kind = classifyRpcError(error);
    const first =
      error instanceof Error
        ? ((error as { shortMessage?: string }).shortMessage ?? error.message)
        : String(error);
    return new ChainRpcError(
      kind,
      `${kind}: ${first.split('\n')[0]?.slice(0, 300) ?? ''}`,
      chainId,
      upstream,
      {
        cause: error,
      },
    );
  }
}

/** No upstream of the chain answered. */
export class NoHealthyUpstreamError extends Error {
  override readonly name = 'NoHealthyUpstreamError';
  constructor(
    readonly chainId: number,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`chain ${chainId}: no upstream answered after ${attempts} attempt(s)`, options);
  }
}
