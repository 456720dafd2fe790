import { EventBus, InProcessBroker, InProcessBusDriver } from '@keel/bus';
import { newEventId } from '@keel/events';
import { createLogger } from '@keel/telemetry';
import { createTestDatabase, freePort, type TestDatabaseHandle, waitUntil } from '@keel/testing';
import { encodeAbiParameters, encodeEventTopics, type Hex, keccak256, toHex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningIndexer, startIndexer } from '../bootstrap';
import { loadIndexerConfig } from '../config';
import { type BlockLogs, type ChainLog, indexedEventsAbi } from './chain-events';

// The bus source in one process (in-process driver): duplicate deliveries,
// removals and a reorg that arrives without a removal, on synthetic token logs.

const CHAIN = 31337;
const token = '0x000000000000000000000000000000000000a55e';
const [A, B, C] = [
  '0x00000000000000000000000000000000000000aa',
  '0x00000000000000000000000000000000000000bb',
  '0x00000000000000000000000000000000000000cc',
] as const;
const ZERO = '0x0000000000000000000000000000000000000000';

let db: TestDatabaseHandle;
let running: RunningIndexer;
let publisher: EventBus;

const hashOf = (label: string): Hex => keccak256(toHex(label));

function transfer(from: string, to: string, value: bigint, logIndex: number): ChainLog {
  return {
    address: token,
    topics: encodeEventTopics({
      abi: indexedEventsAbi,
      eventName: 'Transfer',
      args: { from: from as Hex, to: to as Hex },
    }) as Hex[],
    data: encodeAbiParameters([{ type: 'uint256' }], [value]),
    logIndex,
    transactionHash: hashOf(`tx-${logIndex}-${value}`),
    transactionIndex: 0,
  };
}

function tokenInformation(logIndex: number): ChainLog {
  return {
    address: token,
    topics: encodeEventTopics({
      abi: indexedEventsAbi,
      eventName: 'UpdatedTokenInformation',
    }) as Hex[],
    data: encodeAbiParameters(
      [
        { type: 'string' },
        { type: 'string' },
        { type: 'uint8' },
        { type: 'string' },
        { type: 'address' },
      ],
      ['Bond', 'BND', 18, '1.0.0', ZERO],
    ),
    logIndex,
    transactionHash: hashOf('deploy'),
    transactionIndex: 0,
  };
}

function block(number: number, label: string, logs: ChainLog[], removed = false): BlockLogs {
  return { chainId: CHAIN, blockNumber: String(number), blockHash: hashOf(label), removed, logs };
}

async function publish(b: BlockLogs, id?: string): Promise<void> {
  await publisher.publish('keel.chain.logs.v1', b, {
    organizationId: 'system',
    correlationId: `chain-${CHAIN}`,
    ...(id ? { id } : {}),
  });
}

async function untilCheckpoint(number: number, label: string): Promise<void> {
  await waitUntil(`checkpoint ${number}`, async () => {
    const rows = await running.dataSource.query<{ block_number: string; block_hash: string }[]>(
      `SELECT block_number, block_hash FROM ix_checkpoint WHERE chain_id = $1`,
      [CHAIN],
    );
    return rows[0]?.block_number === String(number) && rows[0].block_hash === hashOf(label);
  });
}

async function balances(): Promise<Record<string, string>> {
  const page = await running.readModels.listHolders(token, {
    sort: 'wallet',
    order: 'asc',
    limit: 10,
    includeZero: false,
  });
  return Object.fromEntries((page?.items ?? []).map((h) => [h.wallet, h.balance]));
}

beforeAll(async () => {
  db = await createTestDatabase({ prefix: 'indexer_apply' });
  const broker = new InProcessBroker();
  running = await startIndexer(
    loadIndexerConfig({
      KEEL_DATABASE_URL: db.url,
      KEEL_INDEXER_SOURCE: 'bus',
      KEEL_BUS_DRIVER: 'in-process',
      KEEL_HTTP_PORT: String(await freePort()),
    }),
    { broker, logger: createLogger({ service: 'indexer-test', level: 'warn' }) },
  );
  publisher = new EventBus(new InProcessBusDriver(broker));
});

afterAll(async () => {
  await publisher?.close();
  await running?.close();
  await db?.drop();
});

describe('apply-block over the bus (in-process)', () => {
  it('applies in order, ignores redeliveries, rolls back removals and silent reorgs', async () => {
    await publish(block(1, 'b1', [transfer(ZERO, A, 100n, 1), tokenInformation(0)]));
    const b2EventId = newEventId();
    await publish(block(2, 'b2', [transfer(A, B, 30n, 0)]), b2EventId);
    await untilCheckpoint(2, 'b2');
    expect(await balances()).toEqual({ [A]: '70', [B]: '30' });

    // The same event again (inbox) and the same block as another event (block journal).
    await publish(block(2, 'b2', [transfer(A, B, 30n, 0)]), b2EventId);
    await publish(block(2, 'b2', [transfer(A, B, 30n, 0)]));
    await publish(block(3, 'b3', [transfer(B, C, 5n, 0)]));
    await untilCheckpoint(3, 'b3');
    expect(await balances()).toEqual({ [A]: '70', [B]: '25', [C]: '5' });

    // The chain-gateway's removals, newest first, then the new branch.
    await publish(block(3, 'b3', [], true));
    await publish(block(2, 'b2', [], true));
    await untilCheckpoint(1, 'b1');
    expect(await balances()).toEqual({ [A]: '100' });
    await publish(block(2, 'b2-prime', [transfer(A, C, 10n, 0)]));
    await untilCheckpoint(2, 'b2-prime');
    expect(await balances()).toEqual({ [A]: '90', [C]: '10' });

    // A replacement at an applied height without a removal first: rolled back, then applied.
    await publish(block(2, 'b2-second', [transfer(ZERO, B, 7n, 0)]));
    await untilCheckpoint(2, 'b2-second');
    expect(await balances()).toEqual({ [A]: '100', [B]: '7' });
    const asset = await running.readModels.getAsset(token);
    expect(asset?.asset).toMatchObject({ symbol: 'BND', totalSupply: '107', holderCount: 2 });
    expect(asset?.asOf).toEqual([
      { chainId: CHAIN, blockNumber: '2', blockHash: hashOf('b2-second') },
    ]);
  });
});
