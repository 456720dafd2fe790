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

const caller = z.object({
  kind: z.enum(['api-key', 'internal', 'ingress']),
  /** API key id, internal service name or ingress source system; never a secret. */
  id: z.string().min(1),
});

/** One transaction of an operation, as prepared by the execution engine. */
const preparedCall = z.object({
  chainId,
  from: address,
  to: address,
  data: hex,
  value: uint,
});

interface TopicDefinition<S extends z.ZodType> {
  readonly type: string;
  readonly version: number;
  readonly description: string;
  readonly schema: S;
  /**
   * Partition key: events with the same key are delivered in order. Defaults
   * to the envelope's correlationId (the operation id).
   */
  readonly key?: (payload: z.infer<S>) => string;
}

function topic<S extends z.ZodType>(def: TopicDefinition<S>): TopicDefinition<S> {
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
    description: 'An operation produced by an upstream system, authenticated per message.',
    schema: z.object({
      idempotencyKey: z.string().min(1).max(255),
      operationType: z.string().regex(/^[a-z][a-zA-Z]*\.[a-zA-Z]+$/),
      params: z.record(z.string(), z.unknown()),
      signer: address.optional(),
      source: z.object({ system: z.string().min(1), messageId: z.string().min(1) }),
      /** Per-message authentication: key id and signature over the payload (not a secret). */
      authentication: z.object({ keyId: z.string().min(1), signature: z.string().min(1) }),
    }),
    key: (p) => p.idempotencyKey,
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
    }),
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
        z.object({ module: z.string().min(1), passed: z.boolean(), reason: z.string().optional() }),
      ),
      gasEstimate: uint.optional(),
      revert: z.object({ selector: hex.optional(), reason: z.string() }).optional(),
    }),
  }),
  'keel.signature.requested.v1': topic({
    type: 'signature.requested',
    version: 1,
    description: 'Sign the prepared call from the given signer (nonce lane assigned by the signer).',
    schema: z.object({
      operationId,
      transactionIndex: z.number().int().nonnegative(),
      call: preparedCall,
      gasLimit: uint.optional(),
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
      }),
      z.object({
        outcome: z.literal('failed'),
        operationId,
        transactionIndex: z.number().int().nonnegative(),
        error: typedError,
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
    }),
  }),
  'keel.receipt.v1': topic({
    type: 'receipt',
    version: 1,
    description: 'A transaction was mined (or re-orged out) with its confirmations.',
    schema: z.object({
      operationId,
      transactionIndex: z.number().int().nonnegative(),
      chainId,
      hash: hash32,
      status: z.enum(['success', 'reverted', 'dropped', 'reorged']),
      blockNumber: uint.optional(),
      blockHash: hash32.optional(),
      confirmations: z.number().int().nonnegative(),
      gasUsed: uint.optional(),
      revert: z.object({ selector: hex.optional(), reason: z.string() }).optional(),
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
} as const;

export type Catalog = typeof catalog;
export type TopicName = keyof Catalog;
export type PayloadOf<T extends TopicName> = z.infer<Catalog[T]['schema']>;
/** What a producer may pass (before defaults are applied). */
export type PayloadInput<T extends TopicName> = z.input<Catalog[T]['schema']>;

export const topicNames = Object.keys(catalog) as TopicName[];

export function isTopicName(name: string): name is TopicName {
  return Object.prototype.hasOwnProperty.call(catalog, name);
}

/** The dead-letter topic of a topic. */
export function deadLetterTopicOf(topic: TopicName): `${TopicName}.dlq` {
  return `${topic}.dlq`;
}
