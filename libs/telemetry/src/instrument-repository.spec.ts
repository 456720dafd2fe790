import { type Meter } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { instrumentRepository } from './instrument-repository';

function meterHarness() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const meter = provider.getMeter('test');
  const histograms = async () => {
    await reader.forceFlush();
    const metrics = exporter
      .getMetrics()
      .at(-1)
      ?.scopeMetrics.flatMap((s) => s.metrics);
    return new Map(
      (metrics ?? []).map((m) => [
        m.descriptor.name,
        m.dataPoints.map((p) => ({
          outcome: p.attributes['outcome'],
          count: (p.value as { count: number }).count,
        })),
      ]),
    );
  };
  return { meter: (): Meter => meter, histograms, shutdown: () => provider.shutdown() };
}

class NonceLaneRepository {
  #lanes = new Map<string, number>([['lane-1', 7]]);
  readonly table = 'nonce_lanes';

  peek(lane: string): number | undefined {
    return this.#lanes.get(lane);
  }

  async reserve(lane: string): Promise<number> {
    await Promise.resolve();
    const next = (this.#lanes.get(lane) ?? 0) + 1;
    this.#lanes.set(lane, next);
    return next;
  }

  conflict(): never {
    throw new Error('nonce conflict');
  }
}

describe('instrumentRepository', () => {
  it('times sync and async methods in one histogram per method, by outcome', async () => {
    const h = meterHarness();
    const repo = instrumentRepository(new NonceLaneRepository(), 'NonceLaneRepository', {
      meter: h.meter,
    });
    expect(repo.peek('lane-1')).toBe(7);
    expect(await repo.reserve('lane-1')).toBe(8);
    expect(await repo.reserve('lane-1')).toBe(9);
    expect(() => repo.conflict()).toThrow('nonce conflict');
    expect(repo.table).toBe('nonce_lanes');

    const got = await h.histograms();
    expect(got.get('keel.repository.nonce_lane_repository.peek.duration')).toEqual([
      { outcome: 'ok', count: 1 },
    ]);
    expect(got.get('keel.repository.nonce_lane_repository.reserve.duration')).toEqual([
      { outcome: 'ok', count: 2 },
    ]);
    expect(got.get('keel.repository.nonce_lane_repository.conflict.duration')).toEqual([
      { outcome: 'error', count: 1 },
    ]);
    await h.shutdown();
  });

  it('records rejected promises as errors and passes the rejection through', async () => {
    const h = meterHarness();
    const repo = instrumentRepository(
      { load: (): Promise<string> => Promise.reject(new Error('db down')) },
      'settlements',
      { meter: h.meter },
    );
    await expect(repo.load()).rejects.toThrow('db down');
    expect((await h.histograms()).get('keel.repository.settlements.load.duration')).toEqual([
      { outcome: 'error', count: 1 },
    ]);
    await h.shutdown();
  });

  it('leaves the wrapped object untouched and returns stable method references', () => {
    const original = new NonceLaneRepository();
    const repo = instrumentRepository(original, 'lanes', { meter: meterHarness().meter });
    expect(repo.peek).toBe(repo.peek);
    expect(Object.getOwnPropertyNames(original)).toEqual(['table']);
    expect(original.peek).toBe(NonceLaneRepository.prototype.peek);
  });

  it('uses the meter in force at call time', async () => {
    const first = meterHarness();
    const second = meterHarness();
    let current = first;
    const repo = instrumentRepository({ ping: () => 'pong' }, 'probe', {
      meter: () => current.meter(),
    });
    repo.ping();
    current = second;
    repo.ping();
    repo.ping();
    expect((await first.histograms()).get('keel.repository.probe.ping.duration')?.[0]?.count).toBe(
      1,
    );
    expect((await second.histograms()).get('keel.repository.probe.ping.duration')?.[0]?.count).toBe(
      2,
    );
  });
});
