import { Inject, Injectable } from '@nestjs/common';
import { ITokenAbi } from '@keel/abi';
import {
  type Address,
  BaseError,
  type Hex,
  parseAbi,
  type PublicClient,
  RawContractError,
  zeroAddress,
} from 'viem';
import { CHAIN_CLIENT } from '../tokens';

const complianceAbi = parseAbi([
  'function getModules() view returns (address[])',
  'function explainTransfer(address from, address to, uint256 amount) view returns (address module, bytes reason)',
]);
const moduleAbi = parseAbi([
  'function name() pure returns (string)',
  'function checkTransfer(address token, address from, address to, uint256 value) view',
]);
const registryAbi = parseAbi(['function isVerified(address user) view returns (bool)']);

export type CallOutcome =
  { ok: true } | { ok: false; revertData: Hex | undefined; message: string };

/** Whether an RPC failure is the node's answer (a revert) or the node being unreachable. */
export class ChainUnavailableError extends Error {
  override readonly name = 'ChainUnavailableError';
}

function revertDataOf(err: unknown): Hex | undefined {
  if (err instanceof BaseError) {
    const raw = err.walk((e) => e instanceof RawContractError) as RawContractError | null;
    const data = raw?.data;
    if (typeof data === 'string') return data;
    if (data && typeof data === 'object' && 'data' in data) return (data as { data: Hex }).data;
    const withData = err.walk((e) => typeof (e as { data?: unknown }).data === 'string') as {
      data?: Hex;
    } | null;
    return withData?.data;
  }
  return undefined;
}

function isRevert(err: unknown): boolean {
  if (!(err instanceof BaseError)) return false;
  const text = `${err.shortMessage} ${err.details ?? ''}`.toLowerCase();
  return revertDataOf(err) !== undefined || text.includes('revert') || text.includes('execution');
}

/** The only code talking to the EVM node (eth_call and eth_estimateGas). */
@Injectable()
export class ChainRepository {
  private readonly moduleNames = new Map<string, string>();

  constructor(@Inject(CHAIN_CLIENT) private readonly client: PublicClient) {}

  private async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isRevert(err)) throw err;
      throw new ChainUnavailableError(
        err instanceof Error ? err.message.split('\n')[0] : String(err),
      );
    }
  }

  /** eth_call of the exact call from the exact sender. */
  async call(from: Address, to: Address, data: Hex, value: bigint): Promise<CallOutcome> {
    try {
      await this.guard(() => this.client.call({ account: from, to, data, value }));
      return { ok: true };
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw err;
      return {
        ok: false,
        revertData: revertDataOf(err),
        message: (err as Error).message.split('\n')[0] ?? '',
      };
    }
  }

  estimateGas(from: Address, to: Address, data: Hex, value: bigint): Promise<bigint> {
    return this.guard(() => this.client.estimateGas({ account: from, to, data, value }));
  }

  async complianceOf(token: Address): Promise<Address | null> {
    try {
      return await this.client.readContract({
        address: token,
        abi: ITokenAbi,
        functionName: 'compliance',
      });
    } catch (err) {
      if (isRevert(err)) return null;
      throw new ChainUnavailableError((err as Error).message.split('\n')[0]);
    }
  }

  async identityRegistryOf(token: Address): Promise<Address | null> {
    try {
      return await this.client.readContract({
        address: token,
        abi: ITokenAbi,
        functionName: 'identityRegistry',
      });
    } catch (err) {
      if (isRevert(err)) return null;
      throw new ChainUnavailableError((err as Error).message.split('\n')[0]);
    }
  }

  isVerified(registry: Address, user: Address): Promise<boolean> {
    return this.guard(() =>
      this.client.readContract({
        address: registry,
        abi: registryAbi,
        functionName: 'isVerified',
        args: [user],
      }),
    );
  }

  async modulesOf(compliance: Address): Promise<readonly Address[]> {
    try {
      return await this.client.readContract({
        address: compliance,
        abi: complianceAbi,
        functionName: 'getModules',
      });
    } catch (err) {
      if (isRevert(err)) return [];
      throw new ChainUnavailableError((err as Error).message.split('\n')[0]);
    }
  }

  /**
   * A module's `name()` (pure: fixed per deployed module, so remembered; a failed read is
   * not). Bounded: the oldest names are forgotten first.
   */
  async moduleName(module: Address): Promise<string | null> {
    const key = module.toLowerCase();
    const known = this.moduleNames.get(key);
    if (known !== undefined) return known;
    try {
      const name = await this.client.readContract({
        address: module,
        abi: moduleAbi,
        functionName: 'name',
      });
      if (this.moduleNames.size >= 1024) {
        const oldest = this.moduleNames.keys().next().value;
        if (oldest !== undefined) this.moduleNames.delete(oldest);
      }
      this.moduleNames.set(key, name);
      return name;
    } catch {
      return null;
    }
  }

  /** The module's own check, called as the compliance contract (modules scope state by their engine). */
  async checkModule(
    compliance: Address,
    module: Address,
    token: Address,
    from: Address,
    to: Address,
    amount: bigint,
  ): Promise<CallOutcome> {
    try {
      await this.guard(() =>
        this.client.readContract({
          address: module,
          abi: moduleAbi,
          functionName: 'checkTransfer',
          args: [token, from, to, amount],
          account: compliance,
        }),
      );
      return { ok: true };
    } catch (err) {
      if (err instanceof ChainUnavailableError) throw err;
      return {
        ok: false,
        revertData: revertDataOf(err),
        message: (err as Error).message.split('\n')[0] ?? '',
      };
    }
  }

  /** Deployment-level (global) compliance denial, through the token compliance's explainTransfer. */
  async explain(
    compliance: Address,
    from: Address,
    to: Address,
    amount: bigint,
  ): Promise<{ module: Address; reason: Hex } | null> {
    try {
      const [module, reason] = await this.client.readContract({
        address: compliance,
        abi: complianceAbi,
        functionName: 'explainTransfer',
        args: [from, to, amount],
      });
      return module === zeroAddress ? null : { module, reason };
    } catch {
      return null;
    }
  }
}
