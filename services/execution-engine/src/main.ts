import { ConfigError } from '@keel/config';
import { startTelemetry } from '@keel/telemetry';
import { startExecutionEngine } from './bootstrap';

// Traces and metrics as configured (KEEL_TELEMETRY / OTEL_*; off under tests unless asked for):
// without it this service records no span and cannot carry an operation's trace.
startTelemetry({ serviceName: 'execution-engine' });

startExecutionEngine().catch((err: unknown) => {
  // Configuration problems are printed as a list with fixes; anything else as JSON.
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else
    process.stderr.write(
      `${JSON.stringify({ level: 'fatal', msg: 'execution-engine failed to start', err: String(err) })}\n`,
    );
  process.exit(1);
});
