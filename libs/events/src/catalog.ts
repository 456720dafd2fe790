import { z } from 'zod';

// Shared building blocks. Amounts are decimal strings (uint256 does not fit a
// JSON number); addresses and hex data are 0x-prefixed strings.
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte address');
const hex = z.string().regex(/^0x([0-9a-fA-F]{2})*$/, 'must be 0x-prefixed hex bytes');
const hash32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hash');
const uint = z.string().regex(/^(0|[1-9][0-9]*)$/, 'must be a non-negative decimal integer string');
const chainId = z.number().int().positive();
const operationId = z.string().min(1).max(128);
const isoTime = z.iso.datetime({ offset: true });
const typedError = z.object({
  code: z.string().min(1),
  message: z.string(),
  retryable: z.boolean().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});

export const operationStatuses = [
  'RECEIVED',
  'QUEUED',
  'PREPARING',
  'PENDING_APPROVAL',
  'SIGNING',
  'BROADCASTING',
  'CONFIRMING',
  'COMPLETED',
  'FAILED',
  'DEAD_LETTER',
  'CANCELLED',
] as const;
export type OperationStatus = (typeof operationStatuses)[number];

/** Why an operation is FAILED (the `subStatus` of `operation.status`). */
export const operationFailureReasons = [
  'COMPLIANCE_REJECTED',
  'REVERTED',
  /** The asset's balance (a token shortfall), from simulation. */
  'INSUFFICIENT_BALANCE',
  /** The signer wallet cannot pay gas limit × max fee + value in the native currency (before signing). */
  'INSUFFICIENT_GAS_FUNDS',
  'NONCE_CONFLICT',
  'SIGNING_FAILED',
  'PAYLOAD_MISMATCH',
  'BLOCKED_BY_POLICY',
  'APPROVAL_TIMEOUT',
  'REQUEST_REJECTED',
  'PREPARATION_FAILED',
] as const;
export type OperationFailureReason = (typeof operationFailureReasons)[number];

/**
 * Error codes a `signature.result` of outcome `failed` carries in `error.code`.
 * The execution engine maps them 1:1 onto the FAILED sub-status.
 */
export const signingErrorCodes = [
  'SIGNING_FAILED',
  'NONCE_CONFLICT',
  'INSUFFICIENT_BALANCE',
  'INSUFFICIENT_GAS_FUNDS',
  'BLOCKED_BY_POLICY',
  'APPROVAL_TIMEOUT',
  'PAYLOAD_MISMATCH',
] as const;
export type SigningErrorCode = (typeof signingErrorCodes)[number];

/**
 * Codes of a `refused` receipt: a node did not take the bytes now, but they may still be
 * mined (chain-gateway re-sends them and follows receipts; the operation stays BROADCASTING
 * with the code as its sub-status).
 */
export const broadcastRefusalCodes = [
  /** The sender cannot pay gas × max fee + value now; mined once funded. */
  'INSUFFICIENT_GAS_FUNDS',
  /** The nonce is above the sender's next nonce; mined once the gap is filled. */
  'NONCE_GAP',
  /** The tip is below the pool's minimum; mined if the pool's minimum falls or the fee is bumped. */
  'UNDERPRICED',
  /** The max fee is below the base fee; mined once the base fee falls or the fee is bumped. */
  'FEE_CAP_TOO_LOW',
  /** Another transaction holds the nonce in the pool; whichever is mined wins. */
  'REPLACEMENT_UNDERPRICED',
  /** No answer, a timeout or a dropped connection: the node may have the bytes. */
  'RPC_UNAVAILABLE',
  /** Any other refusal, or a simulation error at send: treated as "may still be mined". */
  'BROADCAST_REFUSED',
] as const;
export type BroadcastRefusalCode = (typeof broadcastRefusalCodes)[number];

/** Codes of a `dropped` receipt: these bytes can never be mined. */
export const droppedCodes = [
  /** Another transaction (of Keel or not) was mined with this nonce. */
  'NONCE_CONSUMED',
  /** The bytes are invalid for every node: gas below intrinsic, above the block gas limit, bad signature or chain id. */
  'INVALID_TRANSACTION',
  /** The hash does not match the bytes: refused before any node saw them. */
  'PAYLOAD_MISMATCH',
  /** The chain is not configured: nothing was sent. */
  'CHAIN_NOT_CONFIGURED',
] as const;
export type DroppedCode = (typeof droppedCodes)[number];

/** How a caller reached Keel: the kind of an operation's submitter. */
export const callerKinds = ['api-key', 'user', 'internal', 'ingress'] as const;
export type CallerKind = (typeof callerKinds)[number];

export function isCallerKind(value: string): value is CallerKind {
  return (callerKinds as readonly string[]).includes(value);
}

const caller = z.object({
  kind: z.enum(callerKinds),
  /** API key id, user id (a session), internal service name or ingress source system; never a secret. */
  id: z.string().min(1),
});

/** EIP-1559 fee fields in wei (decimal strings). */
const eip1559Fees = z.object({ maxFeePerGas: uint, maxPriorityFeePerGas: uint });

/** One transaction of an operation, as prepared by the execution engine. */
const preparedCall = z.object({
  chainId,
  from: address,
  to: address,
  data: hex,
  value: uint,
});

interface TopicDefinition<S extends z.ZodType, Sel extends string = never> {
  readonly type: string;
  readonly version: number;
  readonly description: string;
  readonly schema: S;
  /**
   * Partition key: events with the same key are delivered in order. Defaults
   * to the envelope's correlationId (the operation id).
   */
  readonly key?: (payload: z.infer<S>) => string;
  /**
   * Selectors: tokens that classify an event, carried in a message header
   * (`keel-selectors`), so that a subscription interested in a few kinds of a
   * busy topic can pass over the rest without decoding them (see
   * `SubscribeOptions.only` in @keel/bus). Return every dimension the topic
   * declares or `undefined` (no header): a consumer that filters on a token
   * the event could not name must still get the event.
   */
  readonly selectors?: (payload: z.infer<S>) => readonly Sel[] | undefined;
}

function topic<S extends z.ZodType, Sel extends string = never>(
  def: TopicDefinition<S, Sel>,
): TopicDefinition<S, Sel> {
  return def;
}

/**
 * The single catalog of Keel topics: name → payload schema. Names carry the
 * version (`keel.<type>.v<version>`); see README.md for the evolution rule.
 */
export const catalog = {
  'keel.operation.submitted.v1': topic({
    type: 'operation.submitted',
    version: 1,
    description: 'An operation was submitted (gateway HTTP or a trusted internal caller).',
    schema: z.object({
      operationId,
      operationType: z.string().regex(/^[a-z][a-zA-Z]*\.[a-zA-Z]+$/),
      params: z.record(z.string(), z.unknown()),
      signer: address.optional(),
      idempotencyKey: z.string().min(1).max(255).optional(),
      submittedBy: caller,
      submittedAt: isoTime,
    }),
  }),
  'keel.ingress.operations.v1': topic({
    type: 'ingress.operations',
    version: 1,
    description:
      'An operation produced by an upstream system, signed per message with its API key (HMAC-SHA256).',
    // The envelope's correlationId is the producer's correlation id (also the partition key);
    // the body carries it again, signed. See libs/ingress-client/README.md for the scheme.
    schema: z.object({
      /** Id of the API key whose derived signing key made `signature` (not a secret). */
      apiKeyId: z.string().min(1).max(64),
      /** Unix time in seconds when the producer signed; checked against the replay window. */
      timestamp: z.number().int().positive(),
      /**
       * The signed body, exactly as signed: JSON of `{messageId, correlationId, request}`
       * with `request` = `{type, params, signer?}`. A string so that its bytes survive.
       */
      body: z.string().min(2).max(65_536),
      /** Lowercase hex HMAC-SHA256 over `<timestamp>.<body>` with the derived key. */
      signature: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
    }),
  }),
  'keel.ingress.status.v1': topic({
    type: 'ingress.status',
    version: 1,
    description:
      'Answers to ingress producers, keyed by their correlation id: the admission outcome, then each status change of the operation.',
    schema: z.object({
      correlationId: z.string().min(1).max(128),
      /** The producer's message id, when the message could be read. */
      messageId: z.string().min(1).max(128).optional(),
      /** accepted/rejected answer a message; status follows the admitted operation. */
      outcome: z.enum(['accepted', 'rejected', 'status']),
      operationId: operationId.optional(),
      status: z.enum(operationStatuses).optional(),
      previousStatus: z.enum(operationStatuses).nullable().optional(),
      subStatus: z.string().min(1).optional(),
      /** Why a message was refused (code, message, retryable) or why the operation failed. */
      error: typedError
        .extend({ module: z.string().optional(), reason: z.string().optional() })
        .optional(),
      transactionHashes: z.array(hash32).optional(),
      /** operation.status sequence, for ordering status answers of one operation. */
      sequence: z.number().int().nonnegative().optional(),
      at: isoTime,
    }),
    key: (p) => p.correlationId,
  }),
  'keel.operation.accepted.v1': topic({
    type: 'operation.accepted',
    version: 1,
    description: 'Request controls authenticated and authorized the operation.',
    schema: z.object({
      operationId,
      operationType: z.string().min(1),
      params: z.record(z.string(), z.unknown()),
      signer: address.optional(),
      acceptedAt: isoTime,
      /** Who submitted it (copied from operation.submitted). */
      submittedBy: caller.optional(),
      idempotencyKey: z.string().min(1).max(255).optional(),
      /** Roles the caller holds, as checked by request controls. */
      roles: z.array(z.string().min(1)).optional(),
    }),
  }),
  'keel.operation.rejected.v1': topic({
    type: 'operation.rejected',
    version: 1,
    description: 'Request controls refused the operation.',
    schema: z.object({ operationId, error: typedError, rejectedAt: isoTime }),
  }),
  'keel.operation.status.v1': topic({
    type: 'operation.status',
    version: 1,
    description: 'The operation moved to a new state of the lifecycle.',
    schema: z.object({
      operationId,
      status: z.enum(operationStatuses),
      previousStatus: z.enum(operationStatuses).nullable(),
      subStatus: z.string().min(1).optional(),
      error: typedError
        .extend({ module: z.string().optional(), reason: z.string().optional() })
        .optional(),
      transactionHashes: z.array(hash32).optional(),
      sequence: z.number().int().nonnegative(),
      at: isoTime,
      /**
       * The kind of the operation's submitter (how it came in). Absent on events of
       * operations recorded before it was carried.
       */
      submittedVia: z.enum(callerKinds).optional(),
    }),
    // Seven status events per operation reach every consumer of the topic, and most consumers
    // act on a few: they select by `status:<STATUS>` and `via:<caller kind>`.
    selectors: (p): readonly (`status:${OperationStatus}` | `via:${CallerKind}`)[] | undefined =>
      p.submittedVia ? [`status:${p.status}`, `via:${p.submittedVia}`] : undefined,
  }),
  'keel.compliance.requested.v1': topic({
    type: 'compliance.requested',
    version: 1,
    description: 'Simulate the exact call and the compliance check before any signature.',
    schema: z.object({
      operationId,
      transactionIndex: z.number().int().nonnegative(),
      call: preparedCall,
      asset: address.optional(),
      transfer: z.object({ from: address, to: address, amount: uint }).optional(),
      /**
       * What the call does for the compliance check: a standard movement
       * (transfer, transferFrom, batchTransfer, mint) is checked with the token's
       * canTransfer per module; `forced` and `admin` calls are only simulated.
       */
      kind: z.enum(['movement', 'forced', 'admin']).optional(),
      /** Correlates an on-demand request (e.g. POST /compliance/simulate). */
      requestId: z.string().min(1).max(128).optional(),
    }),
  }),
  'keel.compliance.result.v1': topic({
    type: 'compliance.result',
    version: 1,
    description: 'Outcome of the simulation and compliance check, per module.',
    schema: z.object({
      operationId,
      transactionIndex: z.number().int().nonnegative(),
      allowed: z.boolean(),
      modules: z.array(
        z.object({
          module: z.string().min(1),
          passed: z.boolean(),
          reason: z.string().optional(),
          /** Module contract address, when the module is a contract. */
          address: address.optional(),
          /** Decoded custom error name (e.g. `CountryNotAllowed`). */
          errorName: z.string().optional(),
        }),
      ),
      gasEstimate: uint.optional(),
      revert: z.object({ selector: hex.optional(), reason: z.string() }).optional(),
      /** The module that denied (first failing module, in order). */
      deniedBy: z.object({ module: z.string().min(1), reason: z.string() }).optional(),
      /**
       * The simulation could not run (RPC down, unknown asset): not a denial.
       * `retryable` tells the engine whether to ask again.
       */
      error: typedError.optional(),
      requestId: z.string().min(1).max(128).optional(),
    }),
  }),
  'keel.signature.requested.v1': topic({
    type: 'signature.requested',
    version: 1,
    description:
      'Sign the prepared call from the given signer (nonce lane assigned by the signer).',
    schema: z.object({
      operationId,
      transactionIndex: z.number().int().nonnegative(),
      /** chainId, signer wallet (`from`), to, data, value. */
      call: preparedCall,
      gasLimit: uint.optional(),
      /** The organization whose nonce lane (organization, signer, chainId) is used. */
      organizationId: z.string().min(1).max(128).optional(),
      /**
       * Idempotency key of the nonce reservation: the signer reserves at most one
       * nonce per id and never signs a second payload for it. The engine sends
       * `<operationId>:<transactionIndex>`; absent means the same default.
       */
      nonceReservationId: z.string().min(1).max(256).optional(),
      /** Fee ceiling suggested by the engine; the signer prices within it. */
      fees: eip1559Fees.optional(),
    }),
  }),
  'keel.signature.result.v1': topic({
    type: 'signature.result',
    version: 1,
    description: 'The transaction was signed (raw bytes and hash) or signing failed.',
    schema: z.discriminatedUnion('outcome', [
      z.object({
        outcome: z.literal('signed'),
        operationId,
        transactionIndex: z.number().int().nonnegative(),
        chainId,
        signer: address,
        nonce: uint,
        rawTransaction: hex,
        hash: hash32,
        nonceReservationId: z.string().min(1).max(256).optional(),
        gasLimit: uint.optional(),
        fees: eip1559Fees.optional(),
        /**
         * Set on a re-priced replacement (same nonce, higher fees): the hash of
         * the stuck transaction these bytes replace. Only one of them can be mined.
         */
        replaces: hash32.optional(),
      }),
      z.object({
        outcome: z.literal('failed'),
        operationId,
        transactionIndex: z.number().int().nonnegative(),
        /** `error.code` is one of `signingErrorCodes`. */
        error: typedError,
        nonceReservationId: z.string().min(1).max(256).optional(),
      }),
      /** Custody policy holds the transaction (issue 7): the engine waits in PENDING_APPROVAL. */
      z.object({
        outcome: z.literal('pending-approval'),
        operationId,
        transactionIndex: z.number().int().nonnegative(),
        approvalId: z.string().min(1),
        nonceReservationId: z.string().min(1).max(256).optional(),
      }),
    ]),
  }),
  'keel.key.sign.requested.v1': topic({
    type: 'key.sign.requested',
    version: 1,
    description: 'Ask key-guardian to sign a serialized unsigned transaction with a key.',
    schema: z.object({
      requestId: z.string().min(1),
      operationId,
      signer: address,
      chainId,
      /** Serialized unsigned transaction (EIP-2718 typed envelope). */
      unsignedTransaction: hex,
    }),
  }),
  'keel.key.sign.result.v1': topic({
    type: 'key.sign.result',
    version: 1,
    description: 'key-guardian signed (signature only, never key material) or refused.',
    schema: z.discriminatedUnion('outcome', [
      z.object({
        outcome: z.literal('signed'),
        requestId: z.string().min(1),
        operationId,
        signature: hex,
      }),
      z.object({
        outcome: z.literal('refused'),
        requestId: z.string().min(1),
        operationId,
        error: typedError,
      }),
      /**
       * The custodian policy holds the request for approval (issue 7). A later
       * `signed` or `refused` result with the same requestId settles it.
       */
      z.object({
        outcome: z.literal('pending-approval'),
        requestId: z.string().min(1),
        operationId,
        approvalId: z.string().min(1),
      }),
    ]),
  }),
  'keel.broadcast.requested.v1': topic({
    type: 'broadcast.requested',
    version: 1,
    description: 'Broadcast validated signed bytes; the hash was derived from these bytes.',
    schema: z.object({
      operationId,
      transactionIndex: z.number().int().nonnegative(),
      chainId,
      from: address,
      nonce: uint,
      rawTransaction: hex,
      hash: hash32,
      confirmations: z.number().int().nonnegative().optional(),
      nonceReservationId: z.string().min(1).max(256).optional(),
    }),
  }),
  'keel.receipt.v1': topic({
    type: 'receipt',
    version: 1,
    description:
      'A transaction was mined (or re-orged out) with its confirmations; refused (may still be mined) or dropped (never can be).',
    schema: z.object({
      operationId,
      transactionIndex: z.number().int().nonnegative(),
      chainId,
      hash: hash32,
      /**
       * `success` / `reverted`: mined. `reorged`: left the canonical chain (being re-broadcast).
       * `refused`: a node refused the bytes or could not be reached, but they may still be mined
       * (chain-gateway keeps sending and following them; see `broadcastRefusalCodes`).
       * `dropped`: these bytes can never be mined (their nonce was used by another transaction,
       * or no node can ever take them; see `droppedCodes`).
       */
      status: z.enum(['success', 'reverted', 'refused', 'dropped', 'reorged']),
      blockNumber: uint.optional(),
      blockHash: hash32.optional(),
      confirmations: z.number().int().nonnegative(),
      gasUsed: uint.optional(),
      revert: z.object({ selector: hex.optional(), reason: z.string() }).optional(),
      from: address.optional(),
      nonce: uint.optional(),
      effectiveGasPrice: uint.optional(),
      /** Why the bytes were refused or dropped (`refused`, `dropped`). */
      error: typedError.optional(),
    }),
  }),
  'keel.chain.logs.v1': topic({
    type: 'chain.logs',
    version: 1,
    description: 'Logs of one block of a chain (or their removal on reorg), in block order.',
    schema: z.object({
      chainId,
      blockNumber: uint,
      blockHash: hash32,
      removed: z.boolean(),
      logs: z.array(
        z.object({
          address,
          topics: z.array(hash32),
          data: hex,
          logIndex: z.number().int().nonnegative(),
          transactionHash: hash32,
          transactionIndex: z.number().int().nonnegative(),
        }),
      ),
    }),
    key: (p) => String(p.chainId),
  }),
  'keel.gas.wallet-low.v1': topic({
    type: 'gas.wallet-low',
    version: 1,
    description:
      "An organization's gas wallet cannot pay (or after this top-up could no longer pay) an automatic top-up of the configured amount with its gas.",
    schema: z.object({
      chainId,
      gasWallet: address,
      /** Its balance, in wei, when the engine looked (after the top-up, for `below-next-top-up`). */
      balance: uint,
      /** What one top-up needs: the amount plus the gas of a plain transfer at the current max fee. */
      needed: uint,
      /** `top-up-skipped`: a top-up was not sent for it; `below-next-top-up`: this one was, the next cannot be. */
      reason: z.enum(['top-up-skipped', 'below-next-top-up']),
      /** The operation whose signer wallet needed the top-up. */
      operationId,
      at: isoTime,
    }),
    key: (p) => p.gasWallet.toLowerCase(),
  }),
  'keel.message.dead-lettered.v1': topic({
    type: 'message.dead-lettered',
    version: 1,
    description:
      "A consumer group gave up on a message and put it on the topic's DLQ (announced by the bus; the envelope keeps the original organizationId and correlationId).",
    schema: z.object({
      /** The topic the message was consumed from. */
      topic: z.string().min(1),
      /** The consumer group that gave up on it. */
      group: z.string().min(1),
      reason: z.enum(['malformed', 'rejected', 'retries-exhausted']),
      /** The handler's last error (name and message, at most 2000 characters). */
      error: z.string().max(2000),
      attempts: z.number().int().nonnegative(),
      /** Id of the dead-lettered event, when its headers carried one. */
      eventId: z.string().min(1).optional(),
      partition: z.number().int().nonnegative(),
      offset: z.string().min(1),
      failedAt: isoTime,
    }),
  }),
} as const;

export type Catalog = typeof catalog;
export type TopicName = keyof Catalog;
export type PayloadOf<T extends TopicName> = z.infer<Catalog[T]['schema']>;
/** What a producer may pass (before defaults are applied). */
export type PayloadInput<T extends TopicName> = z.input<Catalog[T]['schema']>;
/** The selector tokens a topic's events can carry (never: the topic declares none). */
export type SelectorOf<T extends TopicName> =
  Catalog[T] extends TopicDefinition<z.ZodType, infer Sel> ? Sel : never;

export const topicNames = Object.keys(catalog) as TopicName[];

export function isTopicName(name: string): name is TopicName {
  return Object.prototype.hasOwnProperty.call(catalog, name);
}

/** The dead-letter topic of a topic. */
export function deadLetterTopicOf(topic: TopicName): `${TopicName}.dlq` {
  return `${topic}.dlq`;
}
