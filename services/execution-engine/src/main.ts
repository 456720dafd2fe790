import { ConfigError } from '@keel/config';
import { startExecutionEngine } from './bootstrap';

startExecutionEngine().catch((err: unknown) => {
  // Configuration problems are printed as a list with fixes; anything else as JSON.
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'execution-engine failed to start', err: String(err) })}\n`,
    );
  process.exit(1);
});
