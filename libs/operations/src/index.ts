export * from './operation-types';
export * from './issuance-types';
export * from './airdrop-types';
export * from './permissions';
export * from './problem';
export * from './operation-view';
export * from './compliance-simulation';
export * from './gas-settings';
