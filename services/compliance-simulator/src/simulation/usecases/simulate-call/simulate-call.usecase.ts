import { Injectable } from '@nestjs/common';
import type { ModuleCheck } from '@keel/operations';
import { type Address, decodeErrorResult, type Hex, parseAbi } from 'viem';
import { ChainRepository } from '../../../chain/chain.repository';
import { decodeRevert } from '../../../chain/error-decoder';

export interface SimulationInput {
  readonly from: Address;
  readonly to: Address;
  readonly data: Hex;
  readonly value: bigint;
  /** Token and movement to check module by module (standard movements only). */
  readonly transfer?: {
    readonly token: Address;
    readonly from: Address;
    readonly to: Address;
    readonly amount: bigint;
  };
}

export interface SimulationOutcome {
  readonly allowed: boolean;
  readonly modules: ModuleCheck[];
  readonly deniedBy?: { module: string; reason: string };
  readonly revert?: { selector?: Hex; reason: string };
  readonly gasEstimate?: bigint;
}

const rejectedAbi = parseAbi(['error ComplianceModuleRejected(address module, bytes reason)']);

/**
 * Simulates the exact call from the exact sender, and for a standard movement
 * each compliance check in order (identity, then every module of the token's
 * compliance, then global compliance), decoding each denial to its module and
 * reason. Read-only: nothing is signed or sent.
 */
@Injectable()
export class SimulateCallUseCase {
  constructor(private readonly chain: ChainRepository) {}

  async execute(input: SimulationInput): Promise<SimulationOutcome> {
    const modules: ModuleCheck[] = [];
    const names = new Map<string, string>();
    const nameOf = async (address: Address): Promise<string> => {
      const key = address.toLowerCase();
      if (!names.has(key)) names.set(key, (await this.chain.moduleName(address)) ?? address);
      return names.get(key)!;
    };

    if (input.transfer) {
      const t = input.transfer;
      const registry = await this.chain.identityRegistryOf(t.token);
      if (registry) {
        const verified = await this.chain.isVerified(registry, t.to);
        modules.push({
          module: 'identity-registry',
          address: registry,
          passed: verified,
          ...(verified
            ? {}
            : { reason: `RecipientNotVerified(${t.to})`, errorName: 'RecipientNotVerified' }),
        });
      }
      const compliance = await this.chain.complianceOf(t.token);
      if (compliance) {
        for (const m of await this.chain.modulesOf(compliance)) {
          const outcome = await this.chain.checkModule(
            compliance,
            m,
            t.token,
            t.from,
            t.to,
            t.amount,
          );
          const name = await nameOf(m);
          if (outcome.ok) {
            modules.push({ module: name, address: m, passed: true });
          } else {
            const d = decodeRevert(outcome.revertData);
            modules.push({
              module: name,
              address: m,
              passed: false,
              reason: d.reason,
              ...(d.errorName ? { errorName: d.errorName } : {}),
            });
          }
        }
        if (modules.every((m) => m.passed)) {
          const global = await this.chain.explain(compliance, t.from, t.to, t.amount);
          if (global) {
            const d = decodeRevert(global.reason);
            modules.push({
              module: await nameOf(global.module),
              address: global.module,
              passed: false,
              reason: d.reason,
              ...(d.errorName ? { errorName: d.errorName } : {}),
            });
          }
        }
      }
    }

    const firstDenial = modules.find((m) => !m.passed);
    const call = await this.chain.call(input.from, input.to, input.data, input.value);
    if (!call.ok) {
      const decoded = decodeRevert(call.revertData);
      // The token wraps a module's denial: unwrap it to the module and its own reason.
      if (decoded.errorName === 'ComplianceModuleRejected' && call.revertData) {
        const inner = decodeErrorResult({ abi: rejectedAbi, data: call.revertData });
        const [module, reason] = inner.args;
        const innerDecoded = decodeRevert(reason);
        return {
          allowed: false,
          modules,
          deniedBy: { module: await nameOf(module), reason: innerDecoded.reason },
          revert: {
            ...(decoded.selector ? { selector: decoded.selector } : {}),
            reason: decoded.reason,
          },
        };
      }
      if (decoded.errorName === 'RecipientNotVerified') {
        return {
          allowed: false,
          modules,
          deniedBy: { module: 'identity-registry', reason: decoded.reason },
          revert: {
            ...(decoded.selector ? { selector: decoded.selector } : {}),
            reason: decoded.reason,
          },
        };
      }
      return {
        allowed: false,
        modules,
        ...(firstDenial
          ? { deniedBy: { module: firstDenial.module, reason: firstDenial.reason ?? 'denied' } }
          : {}),
        revert: {
          ...(decoded.selector ? { selector: decoded.selector } : {}),
          reason: decoded.reason,
        },
      };
    }
    if (firstDenial) {
      return {
        allowed: false,
        modules,
        deniedBy: { module: firstDenial.module, reason: firstDenial.reason ?? 'denied' },
      };
    }
    const gasEstimate = await this.chain.estimateGas(input.from, input.to, input.data, input.value);
    return { allowed: true, modules, gasEstimate };
  }
}
