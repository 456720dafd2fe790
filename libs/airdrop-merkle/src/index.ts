export * from './airdrop-list';
export * from './airdrop-tree';
export * from './airdrop-report';
