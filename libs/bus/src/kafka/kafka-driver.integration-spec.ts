import { startKafkaMock, type KafkaMockHandle } from '@keel/testing';
import { runBusContract } from '../test-support/bus-contract';
import { KafkaBusDriver } from './kafka-driver';

runBusContract('kafka driver (librdkafka mock cluster)', async () => {
  const kafka: KafkaMockHandle = await startKafkaMock({ brokers: 3 });
  let n = 0;
  return {
    newDriver: () =>
      new KafkaBusDriver({
        brokers: kafka.brokers,
        clientId: `contract-${++n}`,
        sessionTimeoutMs: 6_000,
        heartbeatIntervalMs: 500,
        rebalanceTimeoutMs: 3_000,
      }),
    settleMs: 20_000,
    teardown: () => kafka.stop(),
  };
});
