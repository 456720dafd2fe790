// A stand-in for a test worker that starts harness processes and then dies
// from an uncaught error. The parent test checks that nothing is left behind.
import { startAnvil } from '../anvil';
import { startTestKafka } from '../kafka';

async function main(): Promise<void> {
  const anvil = await startAnvil();
  const kafka = await startTestKafka();
  process.stdout.write(`PIDS ${anvil.process.pid} ${kafka.processes[0]?.pid ?? 0}\n`);
  setTimeout(() => {
    throw new Error('simulated test failure');
  }, 50);
}

void main();
