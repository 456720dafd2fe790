import { resolve } from 'node:path';
import { DataDir } from './data-dir';
import { acquireDataDirLock, type DataDirLock, DataDirLockedError } from './data-dir-lock';
import { startPlatform, type RunningPlatform } from './platform';
import { Progress } from './progress';

// `npm start`: all of Keel in this process (embedded mode). The console shows
// progress; the services' JSON logs go to <data dir>/logs/keel.log.
const workspaceRoot = resolve(__dirname, '../../..');
const dataDir = new DataDir(
  resolve(process.env['KEEL_DATA_DIR'] ?? resolve(workspaceRoot, '.keel')),
);
const progress = new Progress();

let platform: RunningPlatform | undefined;
let stopping = false;

function shutdown(signal: string): void {
  if (stopping) return; // a terminal's Ctrl-C can arrive both directly and through npm
  stopping = true;
  progress.step(`${signal}: stopping Keel`);
  const running = platform;
  (running ? running.stop() : Promise.resolve()).then(
    () => {
      progress.step('stopped');
      process.exit(0);
    },
    (err: unknown) => {
      progress.step(`stop failed: ${(err as Error).message}`);
      process.exit(1);
    },
  );
}

process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
progress.step(`Keel embedded mode — data directory ${dataDir.root}`);
// One instance per data directory: a second one would take other ports and overwrite
// platform.json, and `npm run demo` would then talk to whichever wrote last.
let lock: DataDirLock;
try {
  dataDir.ensure();
  lock = acquireDataDirLock(dataDir.lockFile, (message) => progress.step(message));
} catch (err) {
  progress.step(
    err instanceof DataDirLockedError
      ? `not starting: ${err.message}`
      : `failed to lock the data directory: ${(err as Error).message}`,
  );
  process.exit(1);
}
process.on('exit', () => {
  platform?.killNow();
  lock.release();
});
startPlatform({ dataDir, env: process.env, progress })
  .then((running) => {
    platform = running;
    if (stopping) return;
    const e = running.endpoints;
    lock.running(e.gatewayUrl);
    progress.line('');
    progress.line('Keel is running.');
    progress.line(`  Gateway:       ${e.gatewayUrl}/api/v1`);
    progress.line(`  OpenAPI:       ${e.openApiUrl}`);
    progress.line(`  Operator key:  ${running.operatorApiKey}`);
    progress.line(
      `  Organization:  ${e.organizationId} (admin key, kept in ${dataDir.secretsFile})`,
    );
    progress.line(`  Chain:         ${e.rpcUrl} (chain id ${e.chainId})`);
    progress.line(
      `  Database:      ${running.databases === 'pglite' ? 'embedded PGlite' : 'DATABASE_URL'}`,
    );
    progress.line(`  Logs:          ${running.logFile}`);
    progress.line('');
    progress.line('Try: npm run demo      Stop: Ctrl-C');
  })
  .catch((err: unknown) => {
    progress.step(`failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
