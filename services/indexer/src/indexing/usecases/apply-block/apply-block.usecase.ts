import type { Logger } from '@keel/telemetry';
import { stringToHex } from 'viem';
import type { EntityManager } from 'typeorm';
import {
  type BlockLogs,
  type ChainEvent,
  type ChainLog,
  type ChainStateReader,
  decodeChainEvent,
  inLogOrder,
} from '../../chain-events';
import type { CheckpointRepository } from '../../checkpoint.repository';
import { JournaledWriter, type Row, undoBlock } from '../../read-model.repository';

export type ApplyOutcome = 'applied' | 'duplicate' | 'rolled-back';

type Hash = `0x${string}`;
const ZERO = '0x0000000000000000000000000000000000000000';
/** IdentityFactory's `kind` topic of a claim issuer (`bytes32 ISSUER = "issuer"`). */
const CLAIM_ISSUER_KIND = stringToHex('issuer', { size: 32 });

/**
 * Applies one block of logs to the read models, or rolls a removed block back,
 * inside the caller's transaction (the one that also records the inbox row or
 * advances the poller): read models, journal and checkpoint move together, so a
 * crash at any point leaves them consistent and a replay changes nothing.
 *
 * Reorgs: a removed block, or a block at or below the checkpoint with a hash
 * other than the applied one, first rolls back every applied block from that
 * height up (newest first, from the undo journal); the new branch is then
 * applied on top.
 */
export class ApplyBlockUseCase {
  constructor(
    private readonly checkpoints: CheckpointRepository,
    private readonly reorgWindow: number,
    private readonly logger: Logger,
    private readonly state?: ChainStateReader,
  ) {}

  async execute(manager: EntityManager, block: BlockLogs): Promise<ApplyOutcome> {
    const { chainId } = block;
    const number = BigInt(block.blockNumber);
    const hash = block.blockHash.toLowerCase() as Hash;
    // Serializes appliers of one chain (bus consumer, poller, replicas).
    await manager.query(`SELECT pg_advisory_xact_lock($1::int, $2::int)`, [0x6b697801, chainId]);
    const checkpoint = await this.checkpoints.get(manager, chainId, true);

    if (block.removed) {
      await this.rollbackFrom(manager, chainId, number);
      return 'rolled-back';
    }
    const applied = await this.checkpoints.appliedBlock(manager, chainId, number);
    if (applied && applied.blockHash === hash) return 'duplicate';
    if (applied || (checkpoint && number <= checkpoint.blockNumber && block.logs.length > 0)) {
      await this.rollbackFrom(manager, chainId, number);
    } else if (checkpoint && number <= checkpoint.blockNumber) {
      return 'duplicate';
    }

    const writer = new JournaledWriter(manager, chainId, number);
    let used = 0;
    for (const log of inLogOrder(block.logs)) {
      const event = decodeChainEvent(log);
      if (event && (await this.applyEvent(writer, chainId, number, hash, log, event))) {
        used++;
        await writer.put('ix_log', {
          chain_id: chainId,
          block_number: number.toString(),
          log_index: log.logIndex,
          block_hash: hash,
          transaction_hash: log.transactionHash.toLowerCase(),
          address: log.address.toLowerCase(),
          event: event.kind,
        });
      }
    }
    await this.checkpoints.recordBlock(
      manager,
      chainId,
      { blockNumber: number, blockHash: hash },
      used,
    );
    await this.checkpoints.set(manager, chainId, number, hash);
    await this.checkpoints.prune(manager, chainId, number - BigInt(this.reorgWindow));
    return 'applied';
  }

  /** Moves the checkpoint over blocks known to hold no relevant logs (poller). */
  async advance(
    manager: EntityManager,
    chainId: number,
    number: bigint,
    hash: Hash,
  ): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock($1::int, $2::int)`, [0x6b697801, chainId]);
    const checkpoint = await this.checkpoints.get(manager, chainId, true);
    if (checkpoint && checkpoint.blockNumber >= number) return;
    await this.checkpoints.set(manager, chainId, number, hash.toLowerCase() as Hash);
  }

  /** Undoes every applied block at or above `from`, newest first; the checkpoint drops to `from - 1`. */
  async rollbackFrom(manager: EntityManager, chainId: number, from: bigint): Promise<void> {
    const checkpoint = await this.checkpoints.get(manager, chainId, true);
    for (const b of await this.checkpoints.appliedFrom(manager, chainId, from)) {
      const undone = await undoBlock(manager, chainId, b.blockNumber);
      await this.checkpoints.forgetBlock(manager, chainId, b.blockNumber);
      this.logger.warn(
        { chainId, block: b.blockNumber.toString(), hash: b.blockHash, undone },
        'rolled back a re-orged block',
      );
    }
    if (checkpoint && checkpoint.blockNumber >= from) {
      const below = await this.checkpoints.appliedBlock(manager, chainId, from - 1n);
      await this.checkpoints.set(manager, chainId, from - 1n, below?.blockHash ?? null);
    }
  }

  /** Applies one decoded event; false when it concerns nothing the read models track. */
  private async applyEvent(
    w: JournaledWriter,
    chainId: number,
    block: bigint,
    blockHash: Hash,
    log: ChainLog,
    event: ChainEvent,
  ): Promise<boolean> {
    const address = log.address.toLowerCase();
    const blockNo = block.toString();
    const asset = async (create: boolean): Promise<Row | undefined> => {
      const found = await w.get('ix_asset', { chain_id: chainId, address });
      if (found || !create) return found;
      return {
        chain_id: chainId,
        address,
        name: null,
        symbol: null,
        decimals: null,
        version: null,
        onchain_id: null,
        isin: null,
        identity_registry: null,
        compliance: null,
        paused: false,
        total_supply: '0',
        metadata: {},
        created_block: blockNo,
        updated_block: blockNo,
      };
    };
    const putAsset = (row: Row, changes: Row) =>
      w.put('ix_asset', { ...row, ...changes, updated_block: blockNo });
    const holder = async (wallet: string): Promise<Row> =>
      (await w.get('ix_holder', { chain_id: chainId, asset: address, wallet })) ?? {
        chain_id: chainId,
        asset: address,
        wallet,
        balance: '0',
        frozen_amount: '0',
        address_frozen: false,
        updated_block: blockNo,
      };
    const putHolder = (row: Row, changes: Row) =>
      w.put('ix_holder', { ...row, ...changes, updated_block: blockNo });
    const amount = (v: unknown) => BigInt(String(v));

    switch (event.kind) {
      case 'token-information': {
        const a = await asset(true);
        await putAsset(a!, {
          name: event.name,
          symbol: event.symbol,
          decimals: event.decimals,
          version: event.version,
          onchain_id: event.onchainId,
        });
        return true;
      }
      case 'identity-registry-set': {
        const a = await asset(true);
        await putAsset(a!, { identity_registry: event.identityRegistry });
        return true;
      }
      case 'compliance-set': {
        const a = await asset(true);
        await putAsset(a!, { compliance: event.compliance });
        return true;
      }
      case 'transfer': {
        const a = await asset(false);
        if (!a) return false; // an ERC-20 that is not a Keel asset
        let supply = amount(a.total_supply);
        if (event.from === ZERO) supply += event.value;
        else {
          const from = await holder(event.from);
          await putHolder(from, { balance: (amount(from.balance) - event.value).toString() });
        }
        if (event.to === ZERO) supply -= event.value;
        else {
          const to = await holder(event.to);
          await putHolder(to, { balance: (amount(to.balance) + event.value).toString() });
        }
        if (event.from === ZERO || event.to === ZERO)
          await putAsset(a, { total_supply: supply.toString() });
        return true;
      }
      case 'tokens-frozen':
      case 'tokens-unfrozen': {
        if (!(await asset(false))) return false;
        const h = await holder(event.wallet);
        const delta = event.kind === 'tokens-frozen' ? event.amount : -event.amount;
        await putHolder(h, { frozen_amount: (amount(h.frozen_amount) + delta).toString() });
        return true;
      }
      case 'address-frozen': {
        if (!(await asset(false))) return false;
        await putHolder(await holder(event.wallet), { address_frozen: event.frozen });
        return true;
      }
      case 'paused': {
        const a = await asset(false);
        if (!a) return false;
        await putAsset(a, { paused: event.paused });
        return true;
      }
      case 'isin': {
        const a = await asset(false);
        if (!a) return false;
        await putAsset(a, { isin: event.isin });
        return true;
      }
      case 'metadata': {
        const a = await asset(false);
        if (!a) return false;
        const metadata = { ...((a.metadata as Record<string, string> | null) ?? {}) };
        metadata[event.key] = event.value;
        await putAsset(a, { metadata });
        return true;
      }
      case 'module-added':
        await w.put('ix_compliance_module', {
          chain_id: chainId,
          compliance: address,
          module: event.module,
          added_block: blockNo,
          added_index: log.logIndex,
        });
        return true;
      case 'module-removed':
        await w.delete('ix_compliance_module', {
          chain_id: chainId,
          compliance: address,
          module: event.module,
        });
        return true;
      case 'identity-registered': {
        const current = await w.get('ix_identity', {
          chain_id: chainId,
          registry: address,
          wallet: event.wallet,
        });
        const country =
          current?.country ??
          (await this.state
            ?.storedInvestorCountry(chainId, address as Hash, event.wallet, blockHash)
            .catch((err: unknown) => {
              this.logger.warn(
                { chainId, wallet: event.wallet, err: (err as Error).message },
                'country of a stored identity not readable; left unknown',
              );
              return null;
            })) ??
          null;
        await w.put('ix_identity', {
          chain_id: chainId,
          registry: address,
          wallet: event.wallet,
          identity: event.identity,
          country,
          updated_block: blockNo,
        });
        return true;
      }
      case 'identity-modified': {
        const rows = await w.where('ix_identity', 'identity', event.oldIdentity, chainId);
        const mine = rows.filter((r) => r.registry === address);
        for (const r of mine)
          await w.put('ix_identity', { ...r, identity: event.newIdentity, updated_block: blockNo });
        return mine.length > 0;
      }
      case 'identity-removed':
        await w.delete('ix_identity', {
          chain_id: chainId,
          registry: address,
          wallet: event.wallet,
        });
        return true;
      case 'country': {
        const current = await w.get('ix_identity', {
          chain_id: chainId,
          registry: address,
          wallet: event.wallet,
        });
        if (!current) return false;
        await w.put('ix_identity', { ...current, country: event.country, updated_block: blockNo });
        return true;
      }
      case 'claim-set':
        await w.put('ix_claim', {
          chain_id: chainId,
          identity: address,
          claim_id: event.claimId.toLowerCase(),
          topic: event.topic.toString(),
          scheme: event.scheme.toString(),
          issuer: event.issuer,
          data: event.data,
          uri: event.uri,
          updated_block: blockNo,
        });
        return true;
      case 'claim-removed':
        await w.delete('ix_claim', {
          chain_id: chainId,
          identity: address,
          claim_id: event.claimId.toLowerCase(),
        });
        return true;
      case 'trusted-issuer-set':
        await w.put('ix_trusted_issuer', {
          chain_id: chainId,
          registry: address,
          issuer: event.issuer,
          topics: event.topics.map(String).join(','),
          updated_block: blockNo,
        });
        return true;
      case 'trusted-issuer-removed':
        await w.delete('ix_trusted_issuer', {
          chain_id: chainId,
          registry: address,
          issuer: event.issuer,
        });
        return true;
      case 'identity-created':
        // Only claim issuers: who owns one is who the operator trusted (issuer.trust's wallet).
        if (event.identityKind !== CLAIM_ISSUER_KIND) return false;
        await w.put('ix_claim_issuer', {
          chain_id: chainId,
          address: event.identity,
          owner: event.owner,
          factory: address,
          created_block: blockNo,
        });
        return true;
      case 'role-granted':
        await w.put('ix_role', {
          chain_id: chainId,
          contract: address,
          role: event.role,
          account: event.account,
          granted_block: blockNo,
        });
        return true;
      case 'role-revoked':
        await w.delete('ix_role', {
          chain_id: chainId,
          contract: address,
          role: event.role,
          account: event.account,
        });
        return true;
    }
  }
}
