import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

/**
 * A PostgreSQL wire-protocol server in front of one PGlite instance, so the
 * services' `pg` driver path runs unchanged against the embedded database.
 *
 * PGlite is one backend: the socket package's multiplexer queues single
 * messages, so two connections' extended-protocol messages (Parse, Bind, …,
 * Sync) could interleave and bind each other's unnamed statement. Here a
 * connection owns the backend from its first message until the backend is
 * idle again (after Sync or a simple Query, outside a transaction); the other
 * connections wait their turn. A pool of several connections per service then
 * behaves as with a server, except that holding a transaction open while
 * waiting for another connection of the same database would wait forever.
 */
export class PgliteServer {
  private server: Server | undefined;
  private owner: Connection | undefined;
  private readonly waiting: { conn: Connection; grant: () => void }[] = [];
  private readonly connections = new Set<Connection>();

  constructor(private readonly db: PGlite) {}

  async listen(host = '127.0.0.1'): Promise<number> {
    const server = createServer((socket) => {
      const conn = new Connection(socket, this);
      this.connections.add(conn);
      socket.once('close', () => {
        this.connections.delete(conn);
        void this.disconnected(conn);
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, host, () => resolve());
    });
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('no TCP address');
    return address.port;
  }

  async close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Waits until `conn` owns the backend. */
  acquire(conn: Connection): Promise<void> {
    if (this.owner === conn) return Promise.resolve();
    if (!this.owner) {
      this.owner = conn;
      return Promise.resolve();
    }
    return new Promise((grant) => this.waiting.push({ conn, grant }));
  }

  /** Gives the backend up when it is idle (no transaction open). */
  releaseIfIdle(conn: Connection): void {
    if (this.owner !== conn || this.db.isInTransaction()) return;
    this.handOver();
  }

  private handOver(): void {
    const next = this.waiting.shift();
    this.owner = next?.conn;
    next?.grant();
  }

  async execute(message: Uint8Array, onData: (data: Uint8Array) => void): Promise<void> {
    await this.db.execProtocolRawStream(message, { onRawData: onData });
  }

  private async disconnected(conn: Connection): Promise<void> {
    const i = this.waiting.findIndex((w) => w.conn === conn);
    if (i >= 0) this.waiting.splice(i, 1);
    if (this.owner !== conn) return;
    // A client gone mid-transaction must not leave the backend in it.
    if (!this.db.closed && this.db.isInTransaction())
      await this.db.exec('ROLLBACK').catch(() => undefined);
    this.handOver();
  }
}

class Connection {
  private buffer = Buffer.alloc(0);
  private started = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: Socket,
    private readonly server: PgliteServer,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (data: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, data]);
      this.chain = this.chain
        .then(() => this.drain())
        .catch(() => {
          socket.destroy();
        });
    });
    socket.on('error', () => socket.destroy());
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        const message = this.buffer.subarray(0, length);
        this.buffer = this.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        if (code !== PROTOCOL_3) {
          this.socket.destroy();
          return;
        }
        this.started = true;
        await this.run(new Uint8Array(message), true);
        continue;
      }
      if (this.buffer.length < 5) return;
      const length = 1 + this.buffer.readInt32BE(1);
      if (this.buffer.length < length) return;
      const type = String.fromCharCode(this.buffer[0]!);
      const message = this.buffer.subarray(0, length);
      this.buffer = this.buffer.subarray(length);
      if (type === 'X') {
        this.socket.end();
        return;
      }
      await this.run(new Uint8Array(message), type === 'S' || type === 'Q');
    }
  }

  private async run(message: Uint8Array, endsExchange: boolean): Promise<void> {
    await this.server.acquire(this);
    try {
      await this.server.execute(message, (data) => {
        if (data.length > 0 && this.socket.writable) this.socket.write(Buffer.from(data));
      });
    } finally {
      if (endsExchange) this.server.releaseIfIdle(this);
    }
  }
}
