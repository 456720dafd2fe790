import type { Logger } from '@keel/telemetry';
import type { DataSource } from 'typeorm';
import type { CheckpointRepository } from '../checkpoint.repository';
import type { ApplyBlockUseCase } from '../usecases/apply-block/apply-block.usecase';
import type { RpcChainRepository } from './rpc-chain.repository';

export interface PollLogsOptions {
  /** First block to index when the chain has no checkpoint. */
  readonly fromBlock: bigint;
  /** Blocks per `eth_getLogs` range. */
  readonly batchBlocks: number;
  readonly reorgWindow: number;
  /** Pause after each applied block (throttles catch-up against rate-limited upstreams). */
  readonly throttleMs: number;
}

/**
 * The direct log source: follows a chain over JSON-RPC with `eth_getLogs` by
 * block range. Each block is applied in its own transaction together with the
 * checkpoint, so a crash mid-range resumes after the last applied block. Before
 * every range it checks that the checkpoint's block is still canonical; if not,
 * it walks the journal of applied blocks back to the fork point, rolls back
 * everything above it and continues on the new branch.
 */
export class PollLogsUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly rpc: RpcChainRepository,
    private readonly checkpoints: CheckpointRepository,
    private readonly applyBlock: ApplyBlockUseCase,
    private readonly options: PollLogsOptions,
    private readonly logger: Logger,
  ) {}

  /** One step: returns how many blocks with logs were applied. */
  async tick(): Promise<number> {
    const chainId = this.rpc.chainId;
    const head = await this.rpc.head();
    let checkpoint = await this.checkpoints.get(this.dataSource.manager, chainId);
    if (checkpoint?.blockHash) {
      const canonical = await this.rpc.blockHash(checkpoint.blockNumber);
      if (canonical !== checkpoint.blockHash) {
        await this.unwind(checkpoint.blockNumber);
        checkpoint = await this.checkpoints.get(this.dataSource.manager, chainId);
      }
    }
    const from = checkpoint ? checkpoint.blockNumber + 1n : this.options.fromBlock;
    if (from > head) return 0;
    let to = from + BigInt(this.options.batchBlocks) - 1n;
    if (to > head) to = head;
    // The range end's hash is read before its logs: a reorg in between shows up as
    // a checkpoint that is no longer canonical on the next tick.
    const toHash = await this.rpc.blockHash(to);
    if (!toHash) return 0;
    const blocks = await this.rpc.logs(from, to);
    for (const block of blocks) {
      await this.dataSource.transaction((m) => this.applyBlock.execute(m, block));
      if (this.options.throttleMs > 0) await sleep(this.options.throttleMs);
    }
    await this.dataSource.transaction((m) => this.applyBlock.advance(m, chainId, to, toHash));
    return blocks.length;
  }

  private async unwind(checkpointBlock: bigint): Promise<void> {
    const chainId = this.rpc.chainId;
    const floor = checkpointBlock - BigInt(this.options.reorgWindow);
    const applied = await this.checkpoints.appliedFrom(this.dataSource.manager, chainId, floor);
    let fork = floor < this.options.fromBlock ? this.options.fromBlock - 1n : floor;
    for (const b of applied) {
      if ((await this.rpc.blockHash(b.blockNumber)) === b.blockHash) {
        fork = b.blockNumber;
        break;
      }
    }
    const forkHash = fork >= 0n ? await this.rpc.blockHash(fork) : null;
    await this.dataSource.transaction(async (m) => {
      await this.applyBlock.rollbackFrom(m, chainId, fork + 1n);
      await this.checkpoints.set(m, chainId, fork, forkHash);
    });
    this.logger.warn(
      { chainId, checkpoint: checkpointBlock.toString(), fork: fork.toString() },
      'reorg: rolled back to the fork point',
    );
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
