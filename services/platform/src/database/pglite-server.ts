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
  /** A plain read let into the owner's open transaction (see `acquire`). */
  private guest: Connection | undefined;
  private readonly connections = new Set<Connection>();

  constructor(
    private readonly db: PGlite,
    /** Told when a connection has waited long for the backend (who holds it, doing what). */
    private readonly onStall: (
      waitedMs: number,
      holderStatement: string,
      waiterStatement: string,
    ) => void = () => undefined,
  ) {}

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

  /**
   * Waits until `conn` may run its next message: as the owner of the backend,
   * or — for an exchange that is one plain read (SELECT/WITH without FOR
   * UPDATE/SHARE) and has waited 100 ms for a backend held in an open
   * transaction — as a guest inside that transaction. With a server the read
   * would run beside the transaction; here the transaction's holder may be
   * the very code awaiting this read (a use case reading through the pool
   * while its inbox transaction is open), which would otherwise wait forever.
   */
  async acquire(conn: Connection, plainRead: boolean): Promise<void> {
    const started = Date.now();
    let nextStall = started + 10_000;
    for (;;) {
      if (this.guest === conn) return;
      if (this.guest === undefined) {
        if (this.owner === undefined || this.owner === conn) {
          this.owner = conn;
          return;
        }
        if (
          plainRead &&
          !this.owner.inExchange &&
          Date.now() - started >= 100 &&
          this.db.isInTransaction()
        ) {
          this.guest = conn;
          return;
        }
      }
      if (Date.now() >= nextStall) {
        nextStall += 10_000;
        this.onStall(Date.now() - started, this.owner?.lastStatement ?? '?', conn.lastStatement);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  }

  /** After an exchange (Sync or Query): a guest leaves; an owner gives the backend up when idle. */
  exchangeDone(conn: Connection): void {
    if (this.guest === conn) {
      this.guest = undefined;
      return;
    }
    if (this.owner === conn && !this.db.isInTransaction()) this.owner = undefined;
  }

  async execute(message: Uint8Array, onData: (data: Uint8Array) => void): Promise<void> {
    await this.db.execProtocolRawStream(message, { onRawData: onData });
  }

  private async disconnected(conn: Connection): Promise<void> {
    if (this.guest === conn) this.guest = undefined;
    if (this.owner !== conn) return;
    // A client gone mid-transaction must not leave the backend in it.
    if (!this.db.closed && this.db.isInTransaction())
      await this.db.exec('ROLLBACK').catch(() => undefined);
    this.owner = undefined;
  }
}

class Connection {
  private buffer = Buffer.alloc(0);
  /** The last SQL this connection sent (diagnostics of a stalled backend). */
  lastStatement = '';
  private exchangeStart = true;
  private plainRead = false;

  /** Between the first message of an exchange and its Sync (or its simple Query). */
  get inExchange(): boolean {
    return !this.exchangeStart;
  }
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
        // A new pool connection's start-up changes no data: like a plain read it may run
        // inside a transaction another connection holds (whose code may await this one).
        await this.run(new Uint8Array(message), true, true);
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
      if (type === 'Q' || type === 'P') {
        this.lastStatement = statementOf(type, message);
        if (this.exchangeStart) this.plainRead = PLAIN_READ.test(this.lastStatement);
      }
      this.exchangeStart = false;
      const ends = type === 'S' || type === 'Q';
      await this.run(new Uint8Array(message), ends, this.plainRead);
      if (ends) {
        this.exchangeStart = true;
        this.plainRead = false;
      }
    }
  }

  private async run(message: Uint8Array, endsExchange: boolean, plainRead: boolean): Promise<void> {
    await this.server.acquire(this, plainRead);
    try {
      await this.server.execute(message, (data) => {
        if (data.length > 0 && this.socket.writable) this.socket.write(Buffer.from(data));
      });
    } finally {
      if (endsExchange) this.server.exchangeDone(this);
    }
  }
}

const PLAIN_READ =
  /^\s*(SELECT|WITH)\b(?![\s\S]*\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY)\b)(?![\s\S]*\b(INSERT|UPDATE|DELETE)\b)/i;

/** The SQL text of a Query ('Q') or Parse ('P') message. */
function statementOf(type: 'Q' | 'P', message: Buffer): string {
  let at = 5;
  if (type === 'P') at = message.indexOf(0, at) + 1; // skip the statement name
  const end = message.indexOf(0, at);
  return message
    .subarray(at, end < 0 ? undefined : end)
    .toString('utf8')
    .slice(0, 300);
}
