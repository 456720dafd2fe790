export * from './airdrop-list';
export * from './airdrop-tree';
