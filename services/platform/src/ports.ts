import { createServer } from 'node:net';

/** A TCP port free right now on 127.0.0.1 (`preferred` when it is free). */
export async function freePort(preferred = 0): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const got = address && typeof address !== 'string' ? address.port : null;
        server.close(() => resolve(got));
      });
    });
  if (preferred > 0) {
    const got = await tryPort(preferred);
    if (got !== null) return got;
  }
  const got = await tryPort(0);
  if (got === null) throw new Error('no free TCP port');
  return got;
}
