// A stand-in for a test worker that starts harness processes and then dies
// from an uncaught error. The parent test checks that nothing is left behind.
import { startAnvil } from '../anvil';
import { startKafkaMock } from '../kafka';

async function main(): Promise<void> {
  const anvil = await startAnvil();
  const kafka = await startKafkaMock({ brokers: 1 });
  process.stdout.write(`PIDS ${anvil.process.pid} ${kafka.process.pid}\n`);
  setTimeout(() => {
    throw new Error('simulated test failure');
  }, 50);
}

void main();
