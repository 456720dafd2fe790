import { ConfigError } from '@keel/config';
import { startComplianceSimulator } from './bootstrap';

startComplianceSimulator().catch((err: unknown) => {
  // Configuration problems are printed as a list with fixes; anything else as JSON.
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'compliance-simulator failed to start', err: String(err) })}\n`,
    );
  process.exit(1);
});
