import { Inject, Injectable } from '@nestjs/common';
import {
  type Abi,
  type Address,
  createPublicClient,
  type Hex,
  type Log,
  type PublicClient,
} from 'viem';
import { estimateEip1559Fees, rpcHttpTransport } from '@keel/chain';
import type { ExecutionEngineConfig } from '../config';
import { CONFIG } from '../tokens';

/** The RPC is not configured or does not answer: the plan cannot be built yet (retried on redelivery). */
export class ChainReadUnavailableError extends Error {
  override readonly name = 'ChainReadUnavailableError';
}

/**
 * Read-only chain access for building plans (which code already exists, what a
 * registry points at) and for reading a mined step's logs. Never sends.
 */
@Injectable()
export class ChainReader {
  private readonly client: PublicClient | null;

  constructor(@Inject(CONFIG) config: ExecutionEngineConfig) {
    this.client = config.rpcUrl
      ? createPublicClient({
          transport: rpcHttpTransport(config.rpcUrl, { retryCount: 2, timeout: 10_000 }),
        })
      : null;
  }

  private get rpc(): PublicClient {
    if (!this.client)
      throw new ChainReadUnavailableError(
        'KEEL_RPC_URL is not set; this operation reads the chain to plan',
      );
    return this.client;
  }

  async hasCode(address: Address): Promise<boolean> {
    const code = await this.rpc.getCode({ address });
    return code !== undefined && code !== '0x';
  }

  async read<T>(
    address: Address,
    abi: Abi,
    functionName: string,
    args: readonly unknown[] = [],
  ): Promise<T> {
    return (await this.rpc.readContract({ address, abi, functionName, args })) as T;
  }

  /** Native balance in wei (the automatic gas top-up's decision). */
  balance(address: Address): Promise<bigint> {
    return this.rpc.getBalance({ address });
  }

  /** The max fee per gas a transaction signed now would carry (the signer's fee rule). */
  async maxFeePerGas(): Promise<bigint> {
    return (await estimateEip1559Fees(this.rpc)).maxFeePerGas;
  }

  async receiptLogs(hash: Hex): Promise<Log[]> {
    return (await this.rpc.getTransactionReceipt({ hash })).logs;
  }
}
