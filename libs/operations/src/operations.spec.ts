import { describe, expect, it } from 'vitest';
import {
  authorizeOperation,
  operationTypes,
  parseOperation,
  Problem,
  problemSchema,
  requiredRoleOf,
  type Principal,
} from './index';

const asset = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const holder = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';

describe('operation params', () => {
  it('covers the operation types of issues 6, 8, 19 and 24, each with a required role', () => {
    expect(operationTypes).toHaveLength(30);
    for (const t of operationTypes) expect(requiredRoleOf[t]).toBeDefined();
  });

  it('parses a mint and refuses wrong types, unknown fields and unknown operation types', () => {
    const ok = parseOperation('token.mint', { asset, to: holder, amount: '1000' });
    expect(ok.ok).toBe(true);
    const bad = parseOperation('token.mint', { asset, to: holder, amount: 1000, extra: true });
    expect(bad.ok).toBe(false);
    if (!bad.ok)
      expect(bad.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['params.amount']));
    const unknown = parseOperation('token.explode', {});
    expect(unknown).toMatchObject({ ok: false, unknownType: true });
    expect(
      parseOperation('token.transfer', { asset, to: holder, amount: (2n ** 256n).toString() }).ok,
    ).toBe(false);
  });
});

describe('authorization', () => {
  const principal: Principal = {
    kind: 'api-key',
    organizationId: 'org',
    subjectId: 'apikey:k',
    apiKeyId: 'k',
    scope: 'read-write',
    roles: ['transfer-agent'],
    assets: [],
  };
  it('requires read-write scope, the role of the type, and an allowed asset', () => {
    expect(authorizeOperation(principal, 'token.transfer', asset)).toEqual({ allowed: true });
    expect(authorizeOperation(principal, 'token.mint', asset)).toMatchObject({
      allowed: false,
      reason: 'missing-role',
    });
    expect(
      authorizeOperation({ ...principal, scope: 'read' }, 'token.transfer', asset),
    ).toMatchObject({
      reason: 'read-only-key',
    });
    expect(
      authorizeOperation({ ...principal, assets: [holder] }, 'token.transfer', asset),
    ).toMatchObject({
      reason: 'asset-not-allowed',
    });
    expect(authorizeOperation({ ...principal, roles: ['admin'] }, 'role.grant', asset)).toEqual({
      allowed: true,
    });
  });

  it('role changes follow the on-chain authority (DEFAULT_ADMIN_ROLE): an admin key, not governance', () => {
    for (const type of ['role.grant', 'role.revoke'] as const) {
      expect(
        authorizeOperation({ ...principal, roles: ['governance'] }, type, asset),
      ).toMatchObject({ allowed: false, reason: 'missing-role', requiredRole: 'admin' });
      expect(authorizeOperation({ ...principal, roles: ['admin'] }, type, asset)).toEqual({
        allowed: true,
      });
    }
  });
});

describe('problem envelope', () => {
  it('renders every field of the envelope', () => {
    const body = new Problem({ category: 'conflict', message: 'm', why: 'w', fix: 'f' }).toBody();
    expect(problemSchema.parse(body).error).toMatchObject({
      status: 409,
      retryable: false,
      details: {},
    });
  });
});

describe('asset.create params', () => {
  const base = { kind: 'equity', name: 'Acme', symbol: 'ACME', decimals: 0 };
  const issues = (params: unknown) => {
    const r = parseOperation('asset.create', params);
    return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
  };
  it('accepts an equity with modules and defaults the rest', () => {
    const r = parseOperation('asset.create', {
      ...base,
      modules: [
        { type: 'country-allow-list', params: { countries: [840, 276] } },
        { type: 'max-investor-count', params: { maxInvestors: 2 } },
      ],
    });
    expect(r.ok).toBe(true);
  });
  it('refuses unknown modules, bad module parameters and conflicting features', () => {
    expect(issues({ ...base, modules: [{ type: 'teleport', params: {} }] })[0]).toMatch(
      /params.modules.0.type: unknown compliance module/,
    );
    expect(
      issues({ ...base, modules: [{ type: 'max-investor-count', params: { maxInvestors: 0 } }] }),
    ).toEqual([expect.stringMatching(/^params.modules.0.params.maxInvestors/)]);
    expect(
      issues({
        ...base,
        features: { bond: { faceValue: '1', maturity: 4_000_000_000, denominationAsset: holder } },
      }),
    ).toEqual(['params.features.bond: bond terms conflict with kind equity']);
    expect(issues({ ...base, kind: 'bond' })).toEqual([
      'params.features.bond: a bond needs its terms: faceValue, maturity, denominationAsset',
    ]);
    expect(issues({ ...base, features: { voting: true } })).toEqual([]);
    expect(issues({ ...base, kind: 'deposit', features: { voting: true } })[0]).toMatch(
      /voting is not supported by the deposit token/,
    );
  });
  it('refuses an operation on no asset to a key limited to some assets', () => {
    const limited: Principal = {
      kind: 'api-key',
      organizationId: 'org',
      subjectId: 'apikey:k',
      apiKeyId: 'k',
      scope: 'read-write',
      roles: ['admin'],
      assets: [asset],
    };
    expect(authorizeOperation(limited, 'asset.create', undefined)).toMatchObject({
      reason: 'asset-not-allowed',
    });
    expect(authorizeOperation({ ...limited, assets: [] }, 'asset.create', undefined)).toEqual({
      allowed: true,
    });
  });
});
