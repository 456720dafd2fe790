// Thin viem helpers for the gas benchmark: deploy, send, read, and move anvil's clock.
// Every transaction is mined on its own (anvil automine); the gas reported is the
// receipt's `gasUsed` (intrinsic 21,000 + calldata + execution, after refunds).
import {
  type Abi,
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  decodeErrorResult,
  encodeDeployData,
  encodeFunctionData,
  type Hex,
  http,
  type PrivateKeyAccount,
  type PublicClient,
  type TestClient,
  type TransactionReceipt,
  toFunctionSelector,
  type WalletClient,
} from 'viem';
import { foundry } from 'viem/chains';

/** An ABI with the creation bytecode that deploys it. */
export interface Artifact {
  readonly abi: Abi;
  readonly bytecode: Hex;
}

interface CallFrame {
  readonly type: string;
  readonly to?: string;
  readonly input: string;
  readonly gasUsed: string;
  readonly calls?: readonly CallFrame[];
}

export interface Deployed {
  readonly address: Address;
  readonly gas: bigint;
}

export class BenchChain {
  readonly client: PublicClient;
  private readonly wallet: WalletClient;
  private readonly test: TestClient;
  private readonly rpcUrl: string;
  /** ABIs whose custom errors explain reverts and whose functions name calls in traces. */
  private readonly abis: Abi[] = [];
  private readonly selectors = new Map<Hex, string>();
  private readonly labels = new Map<string, string>();

  constructor(rpcUrl: string) {
    this.rpcUrl = rpcUrl;
    const transport = http(rpcUrl);
    const chain = foundry;
    this.client = createPublicClient({ chain, transport, pollingInterval: 20 });
    this.wallet = createWalletClient({ chain, transport });
    this.test = createTestClient({ chain, transport, mode: 'anvil' });
  }

  /** Registers ABIs used to decode custom errors and to name functions in traces. */
  knowAbis(...abis: Abi[]): void {
    for (const abi of abis) {
      this.abis.push(abi);
      for (const item of abi) {
        if (item.type === 'function' && !this.selectors.has(toFunctionSelector(item))) {
          this.selectors.set(toFunctionSelector(item), item.name);
        }
      }
    }
  }

  /** Names `address` in traces. */
  label(address: Address, name: string): void {
    this.labels.set(address.toLowerCase(), name);
  }

  async deploy(
    from: PrivateKeyAccount,
    artifact: Artifact,
    args: readonly unknown[] = [],
    name?: string,
  ): Promise<Deployed> {
    const data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args });
    const receipt = await this.transact(from, undefined, data, `deploy ${name ?? ''}`);
    if (!receipt.contractAddress) throw new Error('deployment without contract address');
    if (name) this.label(receipt.contractAddress, name);
    return { address: receipt.contractAddress, gas: receipt.gasUsed };
  }

  /** A raw JSON-RPC call (anvil's own methods). */
  async rpc(method: string, params: readonly unknown[] = []): Promise<unknown> {
    const res = await fetch(this.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(`${method}: ${body.error.message}`);
    return body.result;
  }

  /**
   * The call tree of a mined transaction (anvil's callTracer): one line per call with
   * the gas it used including its subcalls, contracts and functions named when known.
   */
  async trace(hash: Hex): Promise<string> {
    const root = (await this.rpc('debug_traceTransaction', [
      hash,
      { tracer: 'callTracer' },
    ])) as CallFrame;
    const lines: string[] = [];
    const walk = (f: CallFrame, depth: number): void => {
      const to = f.to ? (this.labels.get(f.to.toLowerCase()) ?? f.to) : '?';
      const fn =
        f.input.length >= 10
          ? (this.selectors.get(f.input.slice(0, 10) as Hex) ?? f.input.slice(0, 10))
          : '()';
      const gas = BigInt(f.gasUsed).toLocaleString('en-US').padStart(9);
      lines.push(`${gas}  ${'  '.repeat(depth)}${f.type.padEnd(12)} ${to}.${fn}`);
      for (const c of f.calls ?? []) walk(c, depth + 1);
    };
    walk(root, 0);
    return lines.join('\n');
  }

  async send(
    from: PrivateKeyAccount,
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<TransactionReceipt> {
    return this.transact(from, to, encodeFunctionData({ abi, functionName, args }), functionName);
  }

  async read(
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<unknown> {
    return this.client.readContract({ address: to, abi, functionName, args });
  }

  /** The return value of `functionName` if `from` sent it now (nothing is mined). */
  async simulate(
    from: PrivateKeyAccount,
    to: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<unknown> {
    const { result } = await this.client.simulateContract({
      account: from,
      address: to,
      abi,
      functionName,
      args,
    });
    return result;
  }

  /** The next block's timestamp is `seconds` later than it would otherwise be. */
  async advance(seconds: number): Promise<void> {
    await this.test.increaseTime({ seconds });
  }

  private async transact(
    from: PrivateKeyAccount,
    to: Address | undefined,
    data: Hex,
    what: string,
  ): Promise<TransactionReceipt> {
    // Run it as a call first so a revert is explained with the contracts' custom errors.
    try {
      await this.client.call({ account: from, to, data });
    } catch (err) {
      throw new Error(`${what} would revert: ${this.explain(err)}`);
    }
    const hash = await this.wallet.sendTransaction({ account: from, chain: foundry, to, data });
    const receipt = await this.client.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${what} reverted (${hash})`);
    return receipt;
  }

  private explain(err: unknown): string {
    if (!(err instanceof BaseError)) return String(err);
    const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
    const raw = err.walk((e) => typeof (e as { data?: unknown }).data === 'string') as {
      data?: Hex;
    } | null;
    const data = reverted instanceof ContractFunctionRevertedError ? reverted.raw : raw?.data;
    if (data && data.length >= 10) {
      for (const abi of this.abis) {
        try {
          const decoded = decodeErrorResult({ abi, data });
          return `${decoded.errorName}(${decoded.args?.map(String).join(', ') ?? ''})`;
        } catch {
          // not this ABI's error
        }
      }
      return `revert data ${data}`;
    }
    return err.shortMessage;
  }
}
