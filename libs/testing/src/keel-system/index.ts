// Keel's production-like on-chain deployment for tests and benchmarks: the
// system bootstrap (every system contract behind its proxy), a trusted claim
// issuer, investor identities with claims, and assets through their factory.
export * from './chain';
export * from './keel';
export * from './model';
