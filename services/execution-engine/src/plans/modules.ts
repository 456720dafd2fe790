import {
  AddressAllowListModuleAbi,
  AddressBlockListModuleAbi,
  CountryAllowListModuleAbi,
  CountryBlockListModuleAbi,
  IdentityClaimExpressionModuleAbi,
  MaxBalanceModuleAbi,
  MaxInvestorCountModuleAbi,
  SupplyLimitModuleAbi,
  TimeLockModuleAbi,
  TransferVolumeLimitModuleAbi,
} from '@keel/abi';
import {
  claimExpressionNodeKinds,
  compileClaimExpression,
  type ComplianceModuleConfig,
} from '@keel/operations';
import { encodeFunctionData, getAddress, type Hex } from 'viem';

/**
 * The configuration calls of a compliance module, in order; the asset factory
 * sends each through the asset compliance's `callModuleFunction` so the module
 * stores them for that compliance.
 */
export function moduleConfigCalls(m: ComplianceModuleConfig): Hex[] {
  switch (m.type) {
    case 'country-allow-list':
      return [
        encodeFunctionData({
          abi: CountryAllowListModuleAbi,
          functionName: 'batchSetCountryAllowed',
          args: [m.params.countries, true],
        }),
      ];
    case 'country-block-list':
      return [
        encodeFunctionData({
          abi: CountryBlockListModuleAbi,
          functionName: 'batchSetCountryBlocked',
          args: [m.params.countries, true],
        }),
      ];
    case 'max-investor-count':
      return [
        encodeFunctionData({
          abi: MaxInvestorCountModuleAbi,
          functionName: 'setMaxInvestors',
          args: [BigInt(m.params.maxInvestors)],
        }),
        ...(m.params.perCountry ?? []).map((c) =>
          encodeFunctionData({
            abi: MaxInvestorCountModuleAbi,
            functionName: 'setMaxInvestorsPerCountry',
            args: [c.country, BigInt(c.maxInvestors)],
          }),
        ),
      ];
    case 'max-balance':
      return [
        encodeFunctionData({
          abi: MaxBalanceModuleAbi,
          functionName: 'setMaxBalance',
          args: [BigInt(m.params.maxBalance)],
        }),
      ];
    case 'supply-limit':
      return [
        encodeFunctionData({
          abi: SupplyLimitModuleAbi,
          functionName: 'setSupplyCap',
          args: [BigInt(m.params.cap)],
        }),
        ...(m.params.period
          ? [
              encodeFunctionData({
                abi: SupplyLimitModuleAbi,
                functionName: 'setPeriodLimit',
                args: [BigInt(m.params.period.lengthSeconds), BigInt(m.params.period.limit)],
              }),
            ]
          : []),
      ];
    case 'transfer-volume-limit':
      return [
        encodeFunctionData({
          abi: TransferVolumeLimitModuleAbi,
          functionName: 'setVolumeLimit',
          args: [BigInt(m.params.windowSeconds), BigInt(m.params.limit)],
        }),
      ];
    case 'time-lock':
      return [
        encodeFunctionData({
          abi: TimeLockModuleAbi,
          functionName: 'setHoldPeriod',
          args: [BigInt(m.params.holdPeriodSeconds)],
        }),
      ];
    case 'address-allow-list':
      return [
        encodeFunctionData({
          abi: AddressAllowListModuleAbi,
          functionName: 'batchSetAddressAllowed',
          args: [m.params.addresses.map((x) => getAddress(x)), true],
        }),
      ];
    case 'address-block-list':
      return [
        encodeFunctionData({
          abi: AddressBlockListModuleAbi,
          functionName: 'batchSetAddressBlocked',
          args: [m.params.addresses.map((x) => getAddress(x)), true],
        }),
      ];
    case 'transfer-approval':
      return [];
    case 'identity-claim-expression':
      return [
        encodeFunctionData({
          abi: IdentityClaimExpressionModuleAbi,
          functionName: 'setExpression',
          args: [
            compileClaimExpression(m.params.expression).map((n) => ({
              kind: claimExpressionNodeKinds[n.kind],
              topic: BigInt(n.topic),
            })),
          ],
        }),
      ];
  }
}
