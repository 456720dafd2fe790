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
    const nameOf = async (address: Address): Promise<string> =>
      (await this.chain.moduleName(address)) ?? address;
    const t = input.transfer;
    // Independent reads go out together (the client batches calls made in the same tick into
    // one JSON-RPC request). The estimate is only used when the call passes; when the call
    // reverts, its own revert is the answer and the estimate's failure is ignored.
    const [registry, compliance, call, estimate] = await Promise.all([
      t ? this.chain.identityRegistryOf(t.token) : null,
      t ? this.chain.complianceOf(t.token) : null,
      this.chain.call(input.from, input.to, input.data, input.value),
      this.chain.estimateGas(input.from, input.to, input.data, input.value).then(
        (gas) => ({ ok: true as const, gas }),
        (err: unknown) => ({ ok: false as const, err }),
      ),
    ]);

    if (t) {
      const [verified, moduleList] = await Promise.all([
        registry ? this.chain.isVerified(registry, t.to) : null,
        compliance ? this.chain.modulesOf(compliance) : ([] as readonly Address[]),
      ]);
      if (registry && verified !== null) {
        modules.push({
          module: 'identity-registry',
          address: registry,
          passed: verified,
          ...(verified
            ? {}
            : { reason: `RecipientNotVerified(${t.to})`, errorName: 'RecipientNotVerified' }),
        });
      }
      if (compliance) {
        // Every module's check (in the compliance's order) and the global explanation at once;
        // the global one is reported only when every module passed, as the token applies them.
        const [checks, global] = await Promise.all([
          Promise.all(
            moduleList.map(async (m) => {
              const [outcome, name] = await Promise.all([
                this.chain.checkModule(compliance, m, t.token, t.from, t.to, t.amount),
                nameOf(m),
              ]);
              return { m, outcome, name };
            }),
          ),
          this.chain.explain(compliance, t.from, t.to, t.amount),
        ]);
        for (const { m, outcome, name } of checks) {
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
        if (global && modules.every((m) => m.passed)) {
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

    const firstDenial = modules.find((m) => !m.passed);
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
    if (!estimate.ok) throw estimate.err;
    return { allowed: true, modules, gasEstimate: estimate.gas };
  }
}
