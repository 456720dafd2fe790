// What both platforms (Keel, T-REX) provide to the benchmark, and the shared settings.
import { type Address, type Hex, type PrivateKeyAccount, toHex } from 'viem';

/** The five equivalent compliance modules, in the order they are bound. */
export const MODULE_ORDER = [
  'countryAllow',
  'maxBalance',
  'transferVolume',
  'supplyLimit',
  'addressAllow',
] as const;
export type ModuleKind = (typeof MODULE_ORDER)[number];

export const MODULE_NAMES: Record<ModuleKind, { readonly keel: string; readonly trex: string }> = {
  countryAllow: { keel: 'CountryAllowListModule', trex: 'CountryAllowModule' },
  maxBalance: { keel: 'MaxBalanceModule', trex: 'MaxBalanceModule' },
  transferVolume: { keel: 'TransferVolumeLimitModule', trex: 'TimeTransfersLimitsModule' },
  supplyLimit: { keel: 'SupplyLimitModule', trex: 'SupplyLimitModule' },
  addressAllow: { keel: 'AddressAllowListModule', trex: 'TransferRestrictModule' },
};

/** The one claim topic every holder must hold (KYC). */
export const KYC_TOPIC = 1n;
/** ISO 3166-1 numeric country of every holder, and the one allowed country. */
export const COUNTRY = 840;
/** Limits high enough never to bind (max balance, volume, supply). */
export const NO_LIMIT = 10n ** 30n;
/** Rolling window of the transfer volume limit (one day). */
export const VOLUME_WINDOW = 86_400;
/** Each holder starts with this much. */
export const INITIAL_BALANCE = 10n ** 24n;
export const CLAIM_DATA: Hex = toHex('KYC passed');

export interface Actors {
  /** Deploys and administers everything (holds every operator role / is owner and agent). */
  readonly admin: PrivateKeyAccount;
  /** The claim issuer's signing key (signs claims only, never sends a transaction). */
  readonly claimSigner: PrivateKeyAccount;
  /** Holders minted at setup: the transfers go alice -> bob (warm) and alice -> carol (first). */
  readonly alice: PrivateKeyAccount;
  readonly bob: PrivateKeyAccount;
  /** Verified but holds nothing until the measured first transfer. */
  readonly carol: PrivateKeyAccount;
}

export interface Platform {
  readonly name: string;
  /** Gas of deploying one asset through the platform's factory (no modules, one required topic). */
  readonly assetDeployment: {
    readonly first: bigint;
    readonly later: bigint;
    readonly note: string;
  };
  /** Gas of deploying one investor identity through the platform's identity factory. */
  readonly identityDeployment: { readonly gas: bigint; readonly note: string };
  /**
   * Deploys a token through the factory, binds and configures `modules` (in that order),
   * registers alice, bob and carol, mints to alice and bob and unpauses.
   */
  createToken(label: string, modules: readonly ModuleKind[]): Promise<Token>;
}

export interface Token {
  readonly address: Address;
  /** Modules bound to the token's compliance, read back from the chain. */
  readonly boundModules: number;
}
