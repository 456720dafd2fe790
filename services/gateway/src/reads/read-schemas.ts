// OpenAPI schemas of the indexed reads (the indexer's answers, passed through unchanged).
type SchemaObject = Record<string, unknown>;

/** What the claim topic ids mean in Keel (one convention; ERC-3643 leaves topics to the operator). */
export const CLAIM_TOPICS =
  "1 = KYC (the topic the demo, `issuer.trust` examples and every test asset require). Any other id is the operator's own (e.g. a stablecoin's `terms.collateralClaimTopic`). Set up: `issuer.trust {issuer, topics: [1]}` trusts a key-guardian wallet for KYC at the system tier (add `asset` for one asset), `asset.create {requiredClaimTopics: [1]}` or `claimTopic.add {topic: 1, asset?}` requires it, and `claim.issue {wallet, topic: 1, issuer}` gives a holder the claim.";

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const uint = {
  type: 'string',
  pattern: '^\\d+$',
  description: 'integer in base units / block number',
};

const asOf: SchemaObject = {
  type: 'array',
  description:
    'How fresh the answer is: per chain, the last block the indexer has applied (every log up to and including it), from the same database snapshot as the rows. A read with `minBlock` answers only once every chain named has reached it.',
  items: {
    type: 'object',
    required: ['chainId', 'blockNumber', 'blockHash'],
    properties: { chainId: { type: 'integer' }, blockNumber: uint, blockHash: nullableStr },
  },
};

const metadataEntry: SchemaObject = {
  type: 'object',
  required: ['key', 'value', 'raw'],
  properties: {
    key: {
      type: 'string',
      description:
        'the key as text (e.g. `currency`, `faceValue`, `maturity`) when its bytes32 is printable UTF-8 right-padded with zeros; otherwise the raw hex',
    },
    value: str,
    raw: { type: 'string', description: 'the bytes32 key as stored on chain (0x + 64 hex)' },
  },
};

const claimIssuer: SchemaObject = {
  type: 'object',
  description:
    'Who issued the claim, as the operator set it up: `issuer.trust` names a key-guardian wallet, creates its claim issuer contract (`owner` = that wallet, which also signs the claims) and adds the contract to a trusted-issuer registry for the given claim topics.',
  required: ['claimIssuer', 'owner', 'trustedBy'],
  properties: {
    claimIssuer: {
      type: 'string',
      description: "the claim issuer contract (the claim's `issuer`)",
    },
    owner: {
      type: ['string', 'null'],
      description:
        'the wallet that owns the claim issuer (the `issuer` of issuer.trust); null when it was not created by the identity factory',
    },
    trustedBy: {
      type: 'array',
      description:
        "each trusted-issuer registry entry naming this claim issuer: the system registry (`GET /api/v1/system`, issuer.trust without asset) or an asset's. Empty: the claim counts for no asset.",
      items: {
        type: 'object',
        required: ['registry', 'topics', 'forThisTopic', 'updatedBlock'],
        properties: {
          registry: str,
          topics: { type: 'array', items: uint, description: 'claim topics trusted there' },
          forThisTopic: {
            type: 'boolean',
            description: "the registry trusts this issuer for the claim's topic",
          },
          updatedBlock: uint,
        },
      },
    },
  },
};

const asset: SchemaObject = {
  type: 'object',
  properties: {
    chainId: { type: 'integer' },
    address: str,
    name: nullableStr,
    symbol: nullableStr,
    decimals: { type: ['integer', 'null'] },
    version: nullableStr,
    onchainId: nullableStr,
    isin: nullableStr,
    identityRegistry: nullableStr,
    compliance: nullableStr,
    paused: { type: 'boolean' },
    totalSupply: uint,
    holderCount: { type: 'integer' },
    metadata: { type: 'array', items: metadataEntry },
    createdBlock: uint,
    updatedBlock: uint,
  },
};

const page = (item: SchemaObject): SchemaObject => ({
  type: 'object',
  required: ['items', 'nextCursor', 'asOf'],
  properties: { items: { type: 'array', items: item }, nextCursor: nullableStr, asOf },
});

export const readSchemas: Record<string, SchemaObject> = {
  AssetPage: page(asset),
  AssetRead: {
    type: 'object',
    required: ['asset', 'asOf'],
    properties: {
      asset: {
        allOf: [
          asset,
          {
            type: 'object',
            properties: {
              complianceModules: { type: 'array', items: str },
              roles: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { role: str, account: str, grantedBlock: uint },
                },
              },
            },
          },
        ],
      },
      asOf,
    },
  },
  HolderPage: page({
    type: 'object',
    properties: {
      wallet: str,
      balance: uint,
      frozenAmount: uint,
      available: uint,
      addressFrozen: { type: 'boolean' },
      updatedBlock: uint,
    },
  }),
  IdentityRead: {
    type: 'object',
    required: ['wallet', 'registrations', 'asOf'],
    properties: {
      wallet: str,
      registrations: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            chainId: { type: 'integer' },
            storage: str,
            identity: str,
            country: { type: ['integer', 'null'] },
            updatedBlock: uint,
            claims: {
              type: 'array',
              items: {
                type: 'object',
                properties: {
                  claimId: str,
                  topic: {
                    type: 'string',
                    pattern: '^\\d+$',
                    description: `claim topic id: ${CLAIM_TOPICS}`,
                  },
                  scheme: uint,
                  issuer: { type: 'string', description: 'the claim issuer contract' },
                  issuedBy: claimIssuer,
                  data: str,
                  uri: str,
                  updatedBlock: uint,
                },
              },
            },
          },
        },
      },
      asOf,
    },
  },
};
