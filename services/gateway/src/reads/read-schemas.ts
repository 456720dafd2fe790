// OpenAPI schemas of the indexed reads (the indexer's answers, passed through unchanged).
type SchemaObject = Record<string, unknown>;

const str = { type: 'string' };
const nullableStr = { type: ['string', 'null'] };
const uint = {
  type: 'string',
  pattern: '^\\d+$',
  description: 'integer in base units / block number',
};

const asOf: SchemaObject = {
  type: 'array',
  description: 'the block per chain this answer reflects: every log up to it is applied',
  items: {
    type: 'object',
    required: ['chainId', 'blockNumber', 'blockHash'],
    properties: { chainId: { type: 'integer' }, blockNumber: uint, blockHash: nullableStr },
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
    metadata: { type: 'object', additionalProperties: str },
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
                  topic: uint,
                  scheme: uint,
                  issuer: str,
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
