// A stand-in for a test worker that starts harness processes and then dies
// from an uncaught error (or, with the argument `hang`, waits to be SIGKILLed,
// when no exit hook can run). The parent test checks that nothing is left behind.
import { startAnvil } from '../anvil';
import { startTestKafka } from '../kafka';

async function main(): Promise<void> {
  const anvil = await startAnvil();
  const kafka = await startTestKafka();
  process.stdout.write(`PIDS ${anvil.process.pid} ${kafka.processes[0]?.pid ?? 0}\n`);
  if (process.argv.includes('hang')) {
    setInterval(() => undefined, 1_000);
    return;
  }
  setTimeout(() => {
    throw new Error('simulated test failure');
  }, 50);
}

void main();
