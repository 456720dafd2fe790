import { runBusContract } from '../test-support/bus-contract';
import { InProcessBroker, InProcessBusDriver } from './in-process-driver';

runBusContract('in-process driver', () => {
  const broker = new InProcessBroker(4);
  return Promise.resolve({
    newDriver: () => new InProcessBusDriver(broker),
    settleMs: 5_000,
    teardown: () => {
      broker.close();
      return Promise.resolve();
    },
  });
});
